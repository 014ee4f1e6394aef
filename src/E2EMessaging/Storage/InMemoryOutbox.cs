using System.Collections.Concurrent;
using E2EMessaging.Wire;

namespace E2EMessaging.Storage;

/// <summary>An <see cref="IOutbox"/> in memory.</summary>
public sealed class InMemoryOutbox : IOutbox
{
    private readonly ConcurrentDictionary<ClientMessageId, OutboxEntry> _entries = new();

    /// <summary>How many entries wait.</summary>
    public int Count => _entries.Count;

    /// <inheritdoc />
    public ValueTask<bool> AddAsync(OutboxEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return ValueTask.FromResult(_entries.TryAdd(entry.Id, entry));
    }

    /// <inheritdoc />
    public ValueTask<OutboxEntry?> GetAsync(ClientMessageId id, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_entries.TryGetValue(id, out OutboxEntry? entry) ? entry : null);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<OutboxEntry>> GetDueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        return ValueTask.FromResult<IReadOnlyList<OutboxEntry>>([.. _entries.Values.Where(e => e.NextAttempt <= now).OrderBy(e => e.Id).Take(max)]);
    }

    /// <inheritdoc />
    public ValueTask RescheduleAsync(ClientMessageId id, int attempts, DateTimeOffset nextAttempt, CancellationToken cancellationToken = default)
    {
        while (_entries.TryGetValue(id, out OutboxEntry? entry))
        {
            if (_entries.TryUpdate(id, new OutboxEntry(entry.Id, entry.Conversation, entry.Content, attempts, nextAttempt), entry))
            {
                break;
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask RemoveAsync(ClientMessageId id, CancellationToken cancellationToken = default)
    {
        _entries.TryRemove(id, out _);
        return ValueTask.CompletedTask;
    }

    /// <summary>The type name and entry count.</summary>
    public override string ToString() => $"{nameof(InMemoryOutbox)}({_entries.Count} entries)";
}
