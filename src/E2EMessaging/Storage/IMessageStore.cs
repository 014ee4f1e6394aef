using E2EMessaging.Protocol;
using E2EMessaging.Status;
using E2EMessaging.Wire;

namespace E2EMessaging.Storage;

/// <summary>
/// This device's messages and, for the ones it sent, each recipient device's <see cref="DeliveryStatus"/> and each
/// reader's read watermark per conversation.
/// </summary>
/// <remarks>
/// Rules every implementation keeps (tests/E2EMessaging.Tests/Storage/MessageStoreContract.cs checks them):
/// <list type="bullet">
/// <item>A message is identified by (author, id); adding one that exists changes nothing and returns false;
/// <see cref="ReplaceAsync"/> changes an existing one's content and nothing else.</item>
/// <item>A device status only moves forward: <see cref="AdvanceStatusAsync"/> returns the previous status when it
/// moved the status and null when the status was already there or further, or the message/device is unknown.</item>
/// <item>A read watermark only moves forward, and is one row per (conversation, reader): recording a read never
/// writes per message. <see cref="CountReadersAsync"/> counts readers whose watermark is at or after an id.</item>
/// <item>Operations on different messages may run concurrently; each single call is atomic.</item>
/// </list>
/// </remarks>
public interface IMessageStore
{
    /// <summary>Adds a message; false when (author, id) is already stored.</summary>
    ValueTask<bool> AddAsync(StoredMessage message, CancellationToken cancellationToken = default);

    /// <summary>Replaces the content of the stored message (author, id) — an edit or a delete for everyone; false when there is none.</summary>
    ValueTask<bool> ReplaceAsync(StoredMessage message, CancellationToken cancellationToken = default);

    /// <summary>The message (author, id), or null.</summary>
    ValueTask<StoredMessage?> GetAsync(string author, ClientMessageId id, CancellationToken cancellationToken = default);

    /// <summary>A conversation's messages in id order (oldest first), at most <paramref name="limit"/> of the newest.</summary>
    ValueTask<IReadOnlyList<StoredMessage>> GetConversationAsync(ConversationId conversation, int limit = int.MaxValue, CancellationToken cancellationToken = default);

    /// <summary>Starts tracking the given recipient devices of an outgoing message at <see cref="DeliveryStatus.Pending"/> (devices already tracked keep their status).</summary>
    ValueTask AddRecipientsAsync(ClientMessageId id, IEnumerable<ProtocolAddress> devices, CancellationToken cancellationToken = default);

    /// <summary>Moves a recipient device's status of an outgoing message forward; the previous status when it moved, else null.</summary>
    ValueTask<DeliveryStatus?> AdvanceStatusAsync(ClientMessageId id, ProtocolAddress device, DeliveryStatus status, CancellationToken cancellationToken = default);

    /// <summary>Every tracked recipient device's status of an outgoing message (empty when unknown).</summary>
    ValueTask<IReadOnlyDictionary<ProtocolAddress, DeliveryStatus>> GetStatusesAsync(ClientMessageId id, CancellationToken cancellationToken = default);

    /// <summary>Moves <paramref name="reader"/>'s read watermark in the conversation forward; the previous watermark (or the default, empty id) when it moved, else null.</summary>
    ValueTask<ClientMessageId?> AdvanceReadWatermarkAsync(ConversationId conversation, string reader, ClientMessageId watermark, CancellationToken cancellationToken = default);

    /// <summary>How many readers have read the conversation up to <paramref name="id"/> or further.</summary>
    ValueTask<int> CountReadersAsync(ConversationId conversation, ClientMessageId id, CancellationToken cancellationToken = default);
}
