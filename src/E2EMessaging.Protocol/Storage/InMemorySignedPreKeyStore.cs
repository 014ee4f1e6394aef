using System.Collections.Concurrent;
using E2EMessaging.Protocol.PreKeys;

namespace E2EMessaging.Protocol.Storage;

/// <summary>
/// An <see cref="ISignedPreKeyStore"/> in memory, for tests, samples and short-lived clients. It keeps each record
/// serialized, as a database would, so every get is a fresh record for the caller to dispose. Thread-safe.
/// </summary>
public sealed class InMemorySignedPreKeyStore : ISignedPreKeyStore
{
    private readonly ConcurrentDictionary<uint, byte[]> _signedPreKeys = new();

    /// <inheritdoc />
    /// <exception cref="ProtocolException"><see cref="ProtocolErrorKind.InvalidSignedPreKeyId"/>: no signed prekey with that id.</exception>
    public ValueTask<SignedPreKeyRecord> GetSignedPreKeyAsync(uint signedPreKeyId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_signedPreKeys.TryGetValue(signedPreKeyId, out byte[]? serialized))
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidSignedPreKeyId, $"No signed prekey with id {signedPreKeyId}.");
        }

        return ValueTask.FromResult(SignedPreKeyRecord.Deserialize(serialized));
    }

    /// <inheritdoc />
    public ValueTask SaveSignedPreKeyAsync(uint signedPreKeyId, SignedPreKeyRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        cancellationToken.ThrowIfCancellationRequested();
        _signedPreKeys[signedPreKeyId] = record.Serialize();
        return ValueTask.CompletedTask;
    }
}
