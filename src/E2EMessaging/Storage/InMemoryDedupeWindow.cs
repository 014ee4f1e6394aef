using System.Collections.Concurrent;
using E2EMessaging.Wire;

namespace E2EMessaging.Storage;

/// <summary>An <see cref="IDedupeWindow"/> in memory.</summary>
public sealed class InMemoryDedupeWindow : IDedupeWindow
{
    private readonly ConcurrentDictionary<(string Sender, ClientMessageId Id), DateTimeOffset> _seen = new();

    /// <summary>How many pairs are recorded.</summary>
    public int Count => _seen.Count;

    /// <inheritdoc />
    public ValueTask<bool> TryAddAsync(string sender, ClientMessageId id, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sender);
        return ValueTask.FromResult(_seen.TryAdd((sender, id), now));
    }

    /// <inheritdoc />
    public ValueTask<bool> ContainsAsync(string sender, ClientMessageId id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sender);
        return ValueTask.FromResult(_seen.ContainsKey((sender, id)));
    }

    /// <inheritdoc />
    public ValueTask<int> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default)
    {
        int removed = 0;
        foreach (KeyValuePair<(string, ClientMessageId), DateTimeOffset> pair in _seen)
        {
            if (pair.Value < olderThan && _seen.TryRemove(pair))
            {
                removed++;
            }
        }

        return ValueTask.FromResult(removed);
    }

    /// <summary>The type name and count.</summary>
    public override string ToString() => $"{nameof(InMemoryDedupeWindow)}({_seen.Count} pairs)";
}
