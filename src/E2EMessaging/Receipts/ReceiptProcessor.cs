using E2EMessaging.Content;
using E2EMessaging.Protocol;
using E2EMessaging.Status;
using E2EMessaging.Storage;
using E2EMessaging.Wire;

namespace E2EMessaging.Receipts;

/// <summary>
/// Applies receipts that arrive for this account's outgoing messages. Delivery receipts tick the sending device.
/// Read receipts are per reader account: in 1:1 chats and small groups every tracked device of the reader moves to
/// <see cref="DeliveryStatus.Read"/> for each message up to the watermark; in groups above
/// <see cref="ReceiptOptions.LargeGroupThreshold"/> the reader's watermark is stored (one row per reader, never one
/// per message) and "read by N of M" is computed from all readers' watermarks.
/// </summary>
internal sealed class ReceiptProcessor
{
    /// <summary>How many of the conversation's newest messages a read watermark is applied to (bounds the work of one receipt).</summary>
    public const int WatermarkScanLimit = 1000;

    private readonly IMessageStore _store;
    private readonly MessageStatusTracker _tracker;
    private readonly string _self;
    private readonly ReceiptOptions _options;

    public ReceiptProcessor(IMessageStore store, MessageStatusTracker tracker, string self, ReceiptOptions options)
    {
        _store = store;
        _tracker = tracker;
        _self = self;
        _options = options;
    }

    /// <param name="from">The receipt's sender device.</param>
    /// <param name="receipt">The receipt.</param>
    /// <param name="groupSize">The group's member count when the receipt is about a group.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public async ValueTask ApplyAsync(ProtocolAddress from, ReceiptBody receipt, int groupSize, CancellationToken cancellationToken = default)
    {
        ConversationId conversation = receipt.GroupId is { } group ? ConversationId.Group(group) : ConversationId.Direct(from.Name);
        if (receipt.Type == ReceiptType.Delivered)
        {
            foreach (ClientMessageId id in receipt.Ids)
            {
                StoredMessage? message = await _store.GetAsync(_self, id, cancellationToken).ConfigureAwait(false);
                if (message is not null && message.Conversation == conversation)
                {
                    await _tracker.AdvanceAsync(id, conversation, from, DeliveryStatus.Delivered, cancellationToken).ConfigureAwait(false);
                }
            }

            return;
        }

        ClientMessageId? watermark = receipt.Watermark;
        foreach (ClientMessageId id in receipt.Ids)
        {
            if (watermark is not { } w || id > w)
            {
                watermark = id;
            }
        }

        if (watermark is not { } top)
        {
            return;
        }

        ClientMessageId? previous = await _store.AdvanceReadWatermarkAsync(conversation, from.Name, top, cancellationToken).ConfigureAwait(false);
        bool large = conversation.IsGroup && groupSize > _options.LargeGroupThreshold;
        if (large)
        {
            if (previous is not { } before)
            {
                return;
            }

            foreach (StoredMessage mine in await MineUpToAsync(conversation, top, cancellationToken).ConfigureAwait(false))
            {
                if (mine.Id > before)
                {
                    int readers = await _store.CountReadersAsync(conversation, mine.Id, cancellationToken).ConfigureAwait(false);
                    IReadOnlyDictionary<ProtocolAddress, DeliveryStatus> statuses = await _store.GetStatusesAsync(mine.Id, cancellationToken).ConfigureAwait(false);
                    DeliveryStatus aggregate = statuses.Count == 0 ? DeliveryStatus.Sent : statuses.Values.Min();
                    _tracker.PublishReadCount(mine.Id, conversation, aggregate, readers, groupSize - 1);
                }
            }

            return;
        }

        foreach (StoredMessage mine in await MineUpToAsync(conversation, top, cancellationToken).ConfigureAwait(false))
        {
            IReadOnlyDictionary<ProtocolAddress, DeliveryStatus> statuses = await _store.GetStatusesAsync(mine.Id, cancellationToken).ConfigureAwait(false);
            foreach (KeyValuePair<ProtocolAddress, DeliveryStatus> device in statuses)
            {
                if (device.Key.Name == from.Name && device.Value < DeliveryStatus.Read)
                {
                    await _tracker.AdvanceAsync(mine.Id, conversation, device.Key, DeliveryStatus.Read, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private async ValueTask<IEnumerable<StoredMessage>> MineUpToAsync(ConversationId conversation, ClientMessageId watermark, CancellationToken cancellationToken)
    {
        IReadOnlyList<StoredMessage> recent = await _store.GetConversationAsync(conversation, WatermarkScanLimit, cancellationToken).ConfigureAwait(false);
        return recent.Where(m => m.Direction == MessageDirection.Outgoing && m.Author == _self && m.Id <= watermark);
    }
}
