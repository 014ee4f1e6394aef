using E2EMessaging.Protocol.PreKeys;

namespace E2EMessaging.Protocol.Storage;

/// <summary>This device's one-time Curve25519 prekeys.</summary>
/// <remarks>
/// <see cref="GetPreKeyAsync"/> throws <see cref="ProtocolException"/> with <see cref="ProtocolErrorKind.InvalidPreKeyId"/>
/// for an id it does not hold (as libsignal's stores must). Each returned record is the caller's to dispose.
/// </remarks>
public interface IPreKeyStore
{
    /// <summary>The prekey with <paramref name="preKeyId"/>.</summary>
    ValueTask<PreKeyRecord> GetPreKeyAsync(uint preKeyId, CancellationToken cancellationToken = default);

    /// <summary>Stores a prekey under its id.</summary>
    ValueTask SavePreKeyAsync(uint preKeyId, PreKeyRecord record, CancellationToken cancellationToken = default);

    /// <summary>Deletes a prekey after its one use. Deleting an unknown id is not an error.</summary>
    ValueTask RemovePreKeyAsync(uint preKeyId, CancellationToken cancellationToken = default);
}
