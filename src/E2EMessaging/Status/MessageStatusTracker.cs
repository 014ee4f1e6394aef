using System.Runtime.CompilerServices;
using System.Threading.Channels;
using E2EMessaging.Protocol;
using E2EMessaging.Storage;
using E2EMessaging.Wire;

namespace E2EMessaging.Status;

/// <summary>
/// Moves outgoing messages' per-device statuses forward in the <see cref="IMessageStore"/> and publishes every move
/// to each subscriber of <see cref="WatchAsync"/>. Moves that would go backwards or repeat are dropped by the store,
/// so nothing is published for them.
/// </summary>
internal sealed class MessageStatusTracker
{
    private readonly IMessageStore _store;
    private readonly Lock _gate = new();
    private ImmutableSubscribers _subscribers = ImmutableSubscribers.Empty;

    public MessageStatusTracker(IMessageStore store)
    {
        _store = store;
    }

    /// <summary>Moves <paramref name="device"/>'s status forward; returns the published change, or null when nothing moved.</summary>
    public async ValueTask<MessageStatusChange?> AdvanceAsync(ClientMessageId id, ConversationId conversation, ProtocolAddress device, DeliveryStatus status, CancellationToken cancellationToken = default)
    {
        DeliveryStatus? previous = await _store.AdvanceStatusAsync(id, device, status, cancellationToken).ConfigureAwait(false);
        if (previous is null)
        {
            return null;
        }

        IReadOnlyDictionary<ProtocolAddress, DeliveryStatus> all = await _store.GetStatusesAsync(id, cancellationToken).ConfigureAwait(false);
        DeliveryStatus aggregate = all.Count == 0 ? status : all.Values.Min();
        var change = new MessageStatusChange(id, conversation, device, previous.Value, status, aggregate, null, null);
        Publish(change);
        return change;
    }

    /// <summary>Publishes a large group's aggregated read count for a message.</summary>
    public MessageStatusChange PublishReadCount(ClientMessageId id, ConversationId conversation, DeliveryStatus aggregate, int readBy, int recipients)
    {
        var change = new MessageStatusChange(id, conversation, null, DeliveryStatus.Delivered, DeliveryStatus.Read, aggregate, readBy, recipients);
        Publish(change);
        return change;
    }

    /// <summary>Every status change from now on, until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async IAsyncEnumerable<MessageStatusChange> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Channel<MessageStatusChange> channel = Channel.CreateUnbounded<MessageStatusChange>(new UnboundedChannelOptions { SingleReader = true });
        lock (_gate)
        {
            _subscribers = _subscribers.Add(channel);
        }

        try
        {
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out MessageStatusChange? change))
                {
                    yield return change;
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _subscribers = _subscribers.Remove(channel);
            }
        }
    }

    private void Publish(MessageStatusChange change)
    {
        foreach (Channel<MessageStatusChange> subscriber in _subscribers.Items)
        {
            subscriber.Writer.TryWrite(change);
        }
    }

    /// <summary>Copy-on-write subscriber list: publishing reads it without a lock.</summary>
    private sealed class ImmutableSubscribers(Channel<MessageStatusChange>[] items)
    {
        public static readonly ImmutableSubscribers Empty = new([]);

        public Channel<MessageStatusChange>[] Items { get; } = items;

        public ImmutableSubscribers Add(Channel<MessageStatusChange> channel) => new([.. Items, channel]);

        public ImmutableSubscribers Remove(Channel<MessageStatusChange> channel) => new([.. Items.Where(c => c != channel)]);
    }
}
