using E2EMessaging.Protocol;
using E2EMessaging.Wire;

namespace E2EMessaging.Relay.Stores;

/// <summary>The prekeys handed out for one bundle.</summary>
public sealed class PreKeyTake
{
    /// <summary>Creates a take.</summary>
    public PreKeyTake(PublishedSignedPreKey signedPreKey, PublishedPreKey? oneTimePreKey, PublishedKyberPreKey kyberPreKey, bool kyberIsLastResort)
    {
        ArgumentNullException.ThrowIfNull(signedPreKey);
        ArgumentNullException.ThrowIfNull(kyberPreKey);
        SignedPreKey = signedPreKey;
        OneTimePreKey = oneTimePreKey;
        KyberPreKey = kyberPreKey;
        KyberIsLastResort = kyberIsLastResort;
    }

    /// <summary>The device's current signed prekey.</summary>
    public PublishedSignedPreKey SignedPreKey { get; }

    /// <summary>A one-time Curve25519 prekey, removed from the pool; null when none was left.</summary>
    public PublishedPreKey? OneTimePreKey { get; }

    /// <summary>A one-time Kyber prekey (removed from the pool), or the last-resort one (kept).</summary>
    public PublishedKyberPreKey KyberPreKey { get; }

    /// <summary>Whether <see cref="KyberPreKey"/> is the reusable last-resort key.</summary>
    public bool KyberIsLastResort { get; }
}

/// <summary>
/// The prekey directory: each device's signed prekey, last-resort Kyber prekey, and pools of one-time prekeys.
/// </summary>
/// <remarks>
/// <see cref="TakeAsync"/> is atomic per device: each one-time prekey is handed out at most once, even to concurrent
/// fetchers; when the Kyber pool is empty the last-resort Kyber prekey is served (and kept). One-time prekeys with an
/// id already in the pool replace it. Different devices do not block each other.
/// </remarks>
public interface IPrekeyDirectory
{
    /// <summary>Applies an upload (already verified by the relay) to <paramref name="device"/>'s entry.</summary>
    ValueTask StoreAsync(ProtocolAddress device, PreKeyUpload upload, CancellationToken cancellationToken = default);

    /// <summary>Takes one bundle's worth of prekeys; null when the device has no signed prekey or no Kyber prekey at all.</summary>
    ValueTask<PreKeyTake?> TakeAsync(ProtocolAddress device, CancellationToken cancellationToken = default);

    /// <summary>How many one-time prekeys of each kind are left.</summary>
    ValueTask<PreKeyCounts> GetCountsAsync(ProtocolAddress device, CancellationToken cancellationToken = default);

    /// <summary>Forgets a device's prekeys (the device was unlinked).</summary>
    ValueTask DeleteAsync(ProtocolAddress device, CancellationToken cancellationToken = default);
}
