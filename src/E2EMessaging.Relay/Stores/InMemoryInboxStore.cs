using System.Collections.Concurrent;
using E2EMessaging.Protocol;
using E2EMessaging.Wire;

namespace E2EMessaging.Relay.Stores;

/// <summary>
/// Inboxes in process memory, each envelope kept in its serialized form (as a database would keep it). One lock per
/// inbox; no global lock. Contents are lost when the process ends.
/// </summary>
public sealed class InMemoryInboxStore : IInboxStore
{
    private readonly ConcurrentDictionary<ProtocolAddress, Inbox> _inboxes = new();

    /// <inheritdoc />
    public ValueTask<Envelope> AppendAsync(ProtocolAddress device, Envelope envelope, DateTimeOffset serverTimestamp, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(envelope);
        while (true)
        {
            Inbox inbox = _inboxes.GetOrAdd(device, static _ => new Inbox());
            lock (inbox)
            {
                if (inbox.Deleted)
                {
                    continue; // raced with DeleteInboxAsync: use the fresh inbox
                }

                ulong sequence = ++inbox.LastSequence;
                Envelope stored = envelope.WithServerReceipt(sequence, serverTimestamp);
                inbox.Entries.Add(sequence, new Entry(stored.Serialize(), serverTimestamp));
                return ValueTask.FromResult(stored);
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<Envelope>> ReadAsync(ProtocolAddress device, ulong afterSequence, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        if (!_inboxes.TryGetValue(device, out Inbox? inbox))
        {
            return ValueTask.FromResult<IReadOnlyList<Envelope>>([]);
        }

        var result = new List<Envelope>();
        lock (inbox)
        {
            foreach (KeyValuePair<ulong, Entry> entry in inbox.Entries)
            {
                if (entry.Key <= afterSequence)
                {
                    continue;
                }

                result.Add(Envelope.Parse(entry.Value.Serialized));
                if (result.Count == maxCount)
                {
                    break;
                }
            }
        }

        return ValueTask.FromResult<IReadOnlyList<Envelope>>(result);
    }

    /// <inheritdoc />
    public ValueTask<int> CountAsync(ProtocolAddress device, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (!_inboxes.TryGetValue(device, out Inbox? inbox))
        {
            return ValueTask.FromResult(0);
        }

        lock (inbox)
        {
            return ValueTask.FromResult(inbox.Entries.Count);
        }
    }

    /// <inheritdoc />
    public ValueTask<int> DeleteAsync(ProtocolAddress device, IReadOnlyCollection<ulong> serverSequences, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(serverSequences);
        if (!_inboxes.TryGetValue(device, out Inbox? inbox))
        {
            return ValueTask.FromResult(0);
        }

        int deleted = 0;
        lock (inbox)
        {
            foreach (ulong sequence in serverSequences)
            {
                deleted += inbox.Entries.Remove(sequence) ? 1 : 0;
            }
        }

        return ValueTask.FromResult(deleted);
    }

    /// <inheritdoc />
    public ValueTask<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        int deleted = 0;
        foreach (Inbox inbox in _inboxes.Values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            lock (inbox)
            {
                foreach (ulong sequence in inbox.Entries.Where(e => e.Value.ServerTimestamp < cutoff).Select(e => e.Key).ToList())
                {
                    inbox.Entries.Remove(sequence);
                    deleted++;
                }
            }
        }

        return ValueTask.FromResult(deleted);
    }

    /// <inheritdoc />
    public ValueTask DeleteInboxAsync(ProtocolAddress device, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (_inboxes.TryRemove(device, out Inbox? inbox))
        {
            lock (inbox)
            {
                inbox.Deleted = true;
                inbox.Entries.Clear();
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Every byte the store holds (serialized envelopes), for the tests that prove it holds no plaintext.</summary>
    internal IEnumerable<byte[]> DumpStoredBytes()
    {
        foreach (Inbox inbox in _inboxes.Values)
        {
            lock (inbox)
            {
                foreach (Entry entry in inbox.Entries.Values.ToList())
                {
                    yield return entry.Serialized;
                }
            }
        }
    }

    private sealed class Inbox
    {
        public SortedList<ulong, Entry> Entries { get; } = [];

        public ulong LastSequence { get; set; }

        public bool Deleted { get; set; }
    }

    private sealed record Entry(byte[] Serialized, DateTimeOffset ServerTimestamp);
}
