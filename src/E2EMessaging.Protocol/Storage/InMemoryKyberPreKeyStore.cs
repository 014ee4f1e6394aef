using System.Collections.Concurrent;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.PreKeys;

namespace E2EMessaging.Protocol.Storage;

/// <summary>
/// An <see cref="IKyberPreKeyStore"/> in memory, for tests, samples and short-lived clients. It keeps each record
/// serialized, as a database would, so every get is a fresh record for the caller to dispose. One-time keys are
/// deleted when marked used; for last-resort keys it remembers every (Kyber prekey id, signed prekey id, base key)
/// it was marked with, and refuses a repeat as a replay. Thread-safe and lock-free.
/// </summary>
/// <remarks>The remembered triples are kept for the life of the store, as libsignal's in-memory store keeps them.</remarks>
public sealed class InMemoryKyberPreKeyStore : IKyberPreKeyStore
{
    private readonly ConcurrentDictionary<uint, Entry> _kyberPreKeys = new();
    private readonly ConcurrentDictionary<Use, byte> _lastResortUses = new();

    /// <inheritdoc />
    /// <exception cref="ProtocolException"><see cref="ProtocolErrorKind.InvalidKyberPreKeyId"/>: no Kyber prekey with that id.</exception>
    public ValueTask<KyberPreKeyRecord> GetKyberPreKeyAsync(uint kyberPreKeyId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(KyberPreKeyRecord.Deserialize(Find(kyberPreKeyId).Serialized));
    }

    /// <inheritdoc />
    public ValueTask SaveKyberPreKeyAsync(uint kyberPreKeyId, KyberPreKeyRecord record, bool isLastResort = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        cancellationToken.ThrowIfCancellationRequested();
        _kyberPreKeys[kyberPreKeyId] = new Entry(record.Serialize(), isLastResort);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    /// <exception cref="ProtocolException">
    /// <see cref="ProtocolErrorKind.InvalidKyberPreKeyId"/>: no Kyber prekey with that id (a one-time key already used is gone);
    /// <see cref="ProtocolErrorKind.KyberPreKeyReused"/>: a last-resort key already marked with this signed prekey id and base key.
    /// </exception>
    public ValueTask MarkKyberPreKeyUsedAsync(uint kyberPreKeyId, uint signedPreKeyId, PublicKey baseKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(baseKey);
        cancellationToken.ThrowIfCancellationRequested();
        while (true)
        {
            Entry entry = Find(kyberPreKeyId);
            if (entry.IsLastResort)
            {
                if (!_lastResortUses.TryAdd(new Use(kyberPreKeyId, signedPreKeyId, baseKey), 0))
                {
                    ThrowHelper.Protocol(ProtocolErrorKind.KyberPreKeyReused, $"Last-resort Kyber prekey {kyberPreKeyId} was already used with signed prekey {signedPreKeyId} and this base key.");
                }

                return ValueTask.CompletedTask;
            }

            // Remove exactly the entry looked at; if a concurrent save replaced it, look again.
            if (_kyberPreKeys.TryRemove(new KeyValuePair<uint, Entry>(kyberPreKeyId, entry)))
            {
                return ValueTask.CompletedTask;
            }
        }
    }

    private Entry Find(uint kyberPreKeyId)
    {
        if (!_kyberPreKeys.TryGetValue(kyberPreKeyId, out Entry? entry))
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidKyberPreKeyId, $"No Kyber prekey with id {kyberPreKeyId}.");
        }

        return entry;
    }

    /// <summary>A stored record. A plain class, so that removal compares by reference.</summary>
    private sealed class Entry(byte[] serialized, bool isLastResort)
    {
        public byte[] Serialized { get; } = serialized;

        public bool IsLastResort { get; } = isLastResort;
    }

    /// <summary>One use of a last-resort key. <see cref="PublicKey"/> compares by value.</summary>
    private readonly record struct Use(uint KyberPreKeyId, uint SignedPreKeyId, PublicKey BaseKey);
}
