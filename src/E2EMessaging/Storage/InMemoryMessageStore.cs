using System.Collections.Concurrent;
using E2EMessaging.Protocol;
using E2EMessaging.Status;
using E2EMessaging.Wire;

namespace E2EMessaging.Storage;

/// <summary>An <see cref="IMessageStore"/> in memory, for tests, samples and hosts that keep nothing across restarts.</summary>
public sealed class InMemoryMessageStore : IMessageStore
{
    private readonly ConcurrentDictionary<(string Author, ClientMessageId Id), StoredMessage> _messages = new();
    private readonly ConcurrentDictionary<ConversationId, SortedSet<(ClientMessageId Id, string Author)>> _byConversation = new();
    private readonly ConcurrentDictionary<ClientMessageId, Dictionary<ProtocolAddress, DeliveryStatus>> _statuses = new();
    private readonly ConcurrentDictionary<ConversationId, Dictionary<string, ClientMessageId>> _watermarks = new();

    /// <inheritdoc />
    public ValueTask<bool> AddAsync(StoredMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!_messages.TryAdd((message.Author, message.Id), message))
        {
            return ValueTask.FromResult(false);
        }

        SortedSet<(ClientMessageId, string)> index = _byConversation.GetOrAdd(message.Conversation, _ => new SortedSet<(ClientMessageId, string)>(IndexComparer.Instance));
        lock (index)
        {
            index.Add((message.Id, message.Author));
        }

        return ValueTask.FromResult(true);
    }

    /// <inheritdoc />
    public ValueTask<bool> ReplaceAsync(StoredMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        (string, ClientMessageId) key = (message.Author, message.Id);
        while (_messages.TryGetValue(key, out StoredMessage? current))
        {
            var replaced = new StoredMessage(current.Id, current.Conversation, current.Author, current.AuthorDevice, current.Direction, current.Timestamp, message.Message);
            if (_messages.TryUpdate(key, replaced, current))
            {
                return ValueTask.FromResult(true);
            }
        }

        return ValueTask.FromResult(false);
    }

    /// <inheritdoc />
    public ValueTask<StoredMessage?> GetAsync(string author, ClientMessageId id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(author);
        return ValueTask.FromResult(_messages.TryGetValue((author, id), out StoredMessage? message) ? message : null);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<StoredMessage>> GetConversationAsync(ConversationId conversation, int limit = int.MaxValue, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        if (!_byConversation.TryGetValue(conversation, out SortedSet<(ClientMessageId Id, string Author)>? index))
        {
            return ValueTask.FromResult<IReadOnlyList<StoredMessage>>([]);
        }

        (ClientMessageId Id, string Author)[] keys;
        lock (index)
        {
            keys = [.. index.Reverse().Take(limit).Reverse()];
        }

        return ValueTask.FromResult<IReadOnlyList<StoredMessage>>([.. keys.Select(k => _messages[(k.Author, k.Id)])]);
    }

    /// <inheritdoc />
    public ValueTask AddRecipientsAsync(ClientMessageId id, IEnumerable<ProtocolAddress> devices, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(devices);
        Dictionary<ProtocolAddress, DeliveryStatus> statuses = _statuses.GetOrAdd(id, _ => []);
        lock (statuses)
        {
            foreach (ProtocolAddress device in devices)
            {
                statuses.TryAdd(device, DeliveryStatus.Pending);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<DeliveryStatus?> AdvanceStatusAsync(ClientMessageId id, ProtocolAddress device, DeliveryStatus status, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (!_statuses.TryGetValue(id, out Dictionary<ProtocolAddress, DeliveryStatus>? statuses))
        {
            return ValueTask.FromResult<DeliveryStatus?>(null);
        }

        lock (statuses)
        {
            if (!statuses.TryGetValue(device, out DeliveryStatus previous) || previous >= status)
            {
                return ValueTask.FromResult<DeliveryStatus?>(null);
            }

            statuses[device] = status;
            return ValueTask.FromResult<DeliveryStatus?>(previous);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<ProtocolAddress, DeliveryStatus>> GetStatusesAsync(ClientMessageId id, CancellationToken cancellationToken = default)
    {
        if (!_statuses.TryGetValue(id, out Dictionary<ProtocolAddress, DeliveryStatus>? statuses))
        {
            return ValueTask.FromResult<IReadOnlyDictionary<ProtocolAddress, DeliveryStatus>>(new Dictionary<ProtocolAddress, DeliveryStatus>());
        }

        lock (statuses)
        {
            return ValueTask.FromResult<IReadOnlyDictionary<ProtocolAddress, DeliveryStatus>>(new Dictionary<ProtocolAddress, DeliveryStatus>(statuses));
        }
    }

    /// <inheritdoc />
    public ValueTask<ClientMessageId?> AdvanceReadWatermarkAsync(ConversationId conversation, string reader, ClientMessageId watermark, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        Dictionary<string, ClientMessageId> readers = _watermarks.GetOrAdd(conversation, _ => new Dictionary<string, ClientMessageId>(StringComparer.Ordinal));
        lock (readers)
        {
            readers.TryGetValue(reader, out ClientMessageId previous);
            if (previous >= watermark)
            {
                return ValueTask.FromResult<ClientMessageId?>(null);
            }

            readers[reader] = watermark;
            return ValueTask.FromResult<ClientMessageId?>(previous);
        }
    }

    /// <inheritdoc />
    public ValueTask<int> CountReadersAsync(ConversationId conversation, ClientMessageId id, CancellationToken cancellationToken = default)
    {
        if (!_watermarks.TryGetValue(conversation, out Dictionary<string, ClientMessageId>? readers))
        {
            return ValueTask.FromResult(0);
        }

        lock (readers)
        {
            int count = 0;
            foreach (ClientMessageId watermark in readers.Values)
            {
                if (watermark >= id)
                {
                    count++;
                }
            }

            return ValueTask.FromResult(count);
        }
    }

    /// <summary>The type name and message count.</summary>
    public override string ToString() => $"{nameof(InMemoryMessageStore)}({_messages.Count} messages)";

    private sealed class IndexComparer : IComparer<(ClientMessageId Id, string Author)>
    {
        public static readonly IndexComparer Instance = new();

        public int Compare((ClientMessageId Id, string Author) x, (ClientMessageId Id, string Author) y)
        {
            int c = x.Id.CompareTo(y.Id);
            return c != 0 ? c : string.CompareOrdinal(x.Author, y.Author);
        }
    }
}
