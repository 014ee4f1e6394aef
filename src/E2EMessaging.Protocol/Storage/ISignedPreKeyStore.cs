using E2EMessaging.Protocol.PreKeys;

namespace E2EMessaging.Protocol.Storage;

/// <summary>This device's signed Curve25519 prekeys (the current one and recently rotated ones).</summary>
/// <remarks>
/// <see cref="GetSignedPreKeyAsync"/> throws <see cref="ProtocolException"/> with <see cref="ProtocolErrorKind.InvalidSignedPreKeyId"/>
/// for an id it does not hold. Each returned record is the caller's to dispose.
/// </remarks>
public interface ISignedPreKeyStore
{
    /// <summary>The signed prekey with <paramref name="signedPreKeyId"/>.</summary>
    ValueTask<SignedPreKeyRecord> GetSignedPreKeyAsync(uint signedPreKeyId, CancellationToken cancellationToken = default);

    /// <summary>Stores a signed prekey under its id.</summary>
    ValueTask SaveSignedPreKeyAsync(uint signedPreKeyId, SignedPreKeyRecord record, CancellationToken cancellationToken = default);
}
