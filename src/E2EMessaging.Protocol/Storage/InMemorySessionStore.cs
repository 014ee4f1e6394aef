using System.Collections.Concurrent;
using E2EMessaging.Protocol.Sessions;

namespace E2EMessaging.Protocol.Storage;

/// <summary>
/// An <see cref="ISessionStore"/> in memory, for tests, samples and short-lived clients. It keeps each record
/// serialized, as a database would, so every load is a fresh object that the caller may change freely.
/// Thread-safe; addresses do not contend with each other.
/// </summary>
public sealed class InMemorySessionStore : ISessionStore
{
    private readonly ConcurrentDictionary<ProtocolAddress, byte[]> _sessions = new();

    /// <inheritdoc />
    public ValueTask<SessionRecord?> LoadSessionAsync(ProtocolAddress address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_sessions.TryGetValue(address, out byte[]? serialized) ? SessionRecord.Deserialize(serialized) : null);
    }

    /// <inheritdoc />
    public ValueTask StoreSessionAsync(ProtocolAddress address, SessionRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(record);
        cancellationToken.ThrowIfCancellationRequested();
        _sessions[address] = record.Serialize();
        return ValueTask.CompletedTask;
    }
}
