using E2EMessaging.Protocol;
using E2EMessaging.Wire;

namespace E2EMessaging.Status;

/// <summary>
/// One forward move of an outgoing message's status, as the host's status stream reports it: for one recipient
/// device (<see cref="Device"/> set, <see cref="Previous"/> → <see cref="Current"/>) or, in a large group where
/// reads are aggregated, a new read count (<see cref="Device"/> null, <see cref="ReadBy"/> of <see cref="Recipients"/>).
/// <see cref="Aggregate"/> is the message's status over all its tracked devices (the least advanced one).
/// </summary>
public sealed class MessageStatusChange
{
    internal MessageStatusChange(ClientMessageId messageId, ConversationId conversation, ProtocolAddress? device, DeliveryStatus previous, DeliveryStatus current, DeliveryStatus aggregate, int? readBy, int? recipients)
    {
        MessageId = messageId;
        Conversation = conversation;
        Device = device;
        Previous = previous;
        Current = current;
        Aggregate = aggregate;
        ReadBy = readBy;
        Recipients = recipients;
    }

    /// <summary>The message.</summary>
    public ClientMessageId MessageId { get; }

    /// <summary>Its conversation.</summary>
    public ConversationId Conversation { get; }

    /// <summary>The recipient device whose status moved; null for an aggregated read count.</summary>
    public ProtocolAddress? Device { get; }

    /// <summary>The device's status before.</summary>
    public DeliveryStatus Previous { get; }

    /// <summary>The device's status now.</summary>
    public DeliveryStatus Current { get; }

    /// <summary>The message's status over all tracked devices: the least advanced.</summary>
    public DeliveryStatus Aggregate { get; }

    /// <summary>In a large group: how many members have read up to this message.</summary>
    public int? ReadBy { get; }

    /// <summary>In a large group: how many members besides the sender could read it.</summary>
    public int? Recipients { get; }

    /// <summary>A readable line (ids and statuses only).</summary>
    public override string ToString() => Device is null
        ? $"{MessageId} read by {ReadBy} of {Recipients}"
        : $"{MessageId} {Device}: {Previous} -> {Current} (message: {Aggregate})";
}
