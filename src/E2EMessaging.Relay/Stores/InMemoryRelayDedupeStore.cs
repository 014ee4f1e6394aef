using System.Collections.Concurrent;
using E2EMessaging.Protocol;
using E2EMessaging.Wire;

namespace E2EMessaging.Relay.Stores;

/// <summary>The dedupe window in process memory; lock-free per key.</summary>
public sealed class InMemoryRelayDedupeStore : IRelayDedupeStore
{
    private readonly ConcurrentDictionary<(ProtocolAddress Sender, ClientMessageId Id), DedupeEntry> _entries = new();

    /// <inheritdoc />
    public ValueTask<DedupeEntry?> GetAsync(ProtocolAddress sender, ClientMessageId clientMessageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sender);
        return ValueTask.FromResult(_entries.TryGetValue((sender, clientMessageId), out DedupeEntry? entry) ? entry : null);
    }

    /// <inheritdoc />
    public ValueTask<bool> TryAddAsync(DedupeEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return ValueTask.FromResult(_entries.TryAdd((entry.Sender, entry.ClientMessageId), entry));
    }

    /// <inheritdoc />
    public ValueTask<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        int deleted = 0;
        foreach (KeyValuePair<(ProtocolAddress, ClientMessageId), DedupeEntry> entry in _entries)
        {
            if (entry.Value.AcceptedAt < cutoff && _entries.TryRemove(entry))
            {
                deleted++;
            }
        }

        return ValueTask.FromResult(deleted);
    }

    /// <summary>Every byte the store holds (digests and acks), for the tests that prove it holds no plaintext.</summary>
    internal IEnumerable<byte[]> DumpStoredBytes()
    {
        foreach (DedupeEntry entry in _entries.Values)
        {
            yield return entry.ContentDigest.ToArray();
            yield return System.Text.Encoding.UTF8.GetBytes(string.Join(";", entry.Receipts.Select(r => $"{r.Recipient}:{r.ServerSequence}:{r.ServerTimestamp:O}")));
        }
    }
}
