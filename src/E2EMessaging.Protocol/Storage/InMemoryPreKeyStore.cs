using System.Collections.Concurrent;
using E2EMessaging.Protocol.PreKeys;

namespace E2EMessaging.Protocol.Storage;

/// <summary>
/// An <see cref="IPreKeyStore"/> in memory, for tests, samples and short-lived clients. It keeps each record
/// serialized, as a database would, so every get is a fresh record for the caller to dispose. Thread-safe.
/// </summary>
public sealed class InMemoryPreKeyStore : IPreKeyStore
{
    private readonly ConcurrentDictionary<uint, byte[]> _preKeys = new();

    /// <inheritdoc />
    /// <exception cref="ProtocolException"><see cref="ProtocolErrorKind.InvalidPreKeyId"/>: no prekey with that id.</exception>
    public ValueTask<PreKeyRecord> GetPreKeyAsync(uint preKeyId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_preKeys.TryGetValue(preKeyId, out byte[]? serialized))
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidPreKeyId, $"No prekey with id {preKeyId}.");
        }

        return ValueTask.FromResult(PreKeyRecord.Deserialize(serialized));
    }

    /// <inheritdoc />
    public ValueTask SavePreKeyAsync(uint preKeyId, PreKeyRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        cancellationToken.ThrowIfCancellationRequested();
        _preKeys[preKeyId] = record.Serialize();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask RemovePreKeyAsync(uint preKeyId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _preKeys.TryRemove(preKeyId, out _);
        return ValueTask.CompletedTask;
    }
}
