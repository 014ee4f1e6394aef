using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.PreKeys;

namespace E2EMessaging.Protocol.Storage;

/// <summary>This device's signed Kyber-1024 prekeys: one-time ones, and the last-resort one used when those run out.</summary>
/// <remarks>
/// Rules every implementation keeps (the contract tests check them):
/// <list type="bullet">
/// <item><see cref="GetKyberPreKeyAsync"/> throws <see cref="ProtocolException"/> with <see cref="ProtocolErrorKind.InvalidKyberPreKeyId"/>
/// for an id it does not hold. Each returned record is the caller's to dispose.</item>
/// <item><see cref="MarkKyberPreKeyUsedAsync"/> deletes a one-time key. A last-resort key stays, but the store remembers the
/// (Kyber prekey id, signed prekey id, base key) triple and throws <see cref="ProtocolException"/> with
/// <see cref="ProtocolErrorKind.KyberPreKeyReused"/> when the same triple is marked again: that is a replayed session start.</item>
/// </list>
/// </remarks>
public interface IKyberPreKeyStore
{
    /// <summary>The Kyber prekey with <paramref name="kyberPreKeyId"/>.</summary>
    ValueTask<KyberPreKeyRecord> GetKyberPreKeyAsync(uint kyberPreKeyId, CancellationToken cancellationToken = default);

    /// <summary>Stores a Kyber prekey; <paramref name="isLastResort"/> marks the reusable one.</summary>
    ValueTask SaveKyberPreKeyAsync(uint kyberPreKeyId, KyberPreKeyRecord record, bool isLastResort = false, CancellationToken cancellationToken = default);

    /// <summary>Records that a session was started with this Kyber prekey, signed prekey and initiator base key.</summary>
    ValueTask MarkKyberPreKeyUsedAsync(uint kyberPreKeyId, uint signedPreKeyId, PublicKey baseKey, CancellationToken cancellationToken = default);
}
