using E2EMessaging.Protocol.Messages;
using E2EMessaging.Wire;

namespace E2EMessaging.Content;

/// <summary>
/// The decoded plaintext of one ciphertext: its <see cref="ClientMessageId"/>, the sender's timestamp and exactly
/// one body. Internal: the host sees <see cref="DataMessage"/>s, receipts and statuses, not this.
/// </summary>
internal sealed class MessageContent
{
    public MessageContent(ClientMessageId id, long timestamp, ContentBody body)
    {
        Id = id;
        Timestamp = timestamp;
        Body = body;
    }

    public ClientMessageId Id { get; }

    /// <summary>The sender's clock, Unix milliseconds.</summary>
    public long Timestamp { get; }

    public ContentBody Body { get; }

    public override string ToString() => $"{nameof(MessageContent)}({Id}, {Body.GetType().Name})";
}

/// <summary>The one body of a <see cref="MessageContent"/>.</summary>
internal abstract class ContentBody
{
    private protected ContentBody()
    {
    }
}

/// <summary>A user message; <see cref="GroupId"/> set for a group message.</summary>
internal sealed class DataBody(DataMessage message, Guid? groupId) : ContentBody
{
    public DataMessage Message { get; } = message;

    public Guid? GroupId { get; } = groupId;
}

/// <summary>Receipt kinds.</summary>
internal enum ReceiptType
{
    Delivered = 1,
    Read = 2,
}

/// <summary>A delivery or read receipt: a watermark (everything up to it) and/or an exact id list.</summary>
internal sealed class ReceiptBody(ReceiptType type, ClientMessageId? watermark, IReadOnlyList<ClientMessageId> ids, Guid? groupId) : ContentBody
{
    public ReceiptType Type { get; } = type;

    public ClientMessageId? Watermark { get; } = watermark;

    public IReadOnlyList<ClientMessageId> Ids { get; } = ids;

    public Guid? GroupId { get; } = groupId;
}

/// <summary>The sender's current sender key for a group (libsignal's distribution message, serialized).</summary>
internal sealed class SenderKeyDistributionBody(Guid groupId, byte[] distributionMessage) : ContentBody
{
    public Guid GroupId { get; } = groupId;

    public byte[] DistributionMessage { get; } = distributionMessage;

    public SenderKeyDistributionMessage Parse() => SenderKeyDistributionMessage.Deserialize(DistributionMessage);
}

/// <summary>A sent transcript for the sender's own other devices: to whom (or which group) and what.</summary>
internal sealed class SyncBody(string? destination, Guid? groupId, DataMessage message) : ContentBody
{
    public string? Destination { get; } = destination;

    public Guid? GroupId { get; } = groupId;

    public DataMessage Message { get; } = message;
}

/// <summary>The sender's current device ids.</summary>
internal sealed class DeviceListUpdateBody(IReadOnlyList<uint> deviceIds) : ContentBody
{
    public IReadOnlyList<uint> DeviceIds { get; } = deviceIds;
}

/// <summary>"I could not decrypt your message <see cref="TargetId"/>; send it again."</summary>
internal sealed class RetryRequestBody(ClientMessageId targetId) : ContentBody
{
    public ClientMessageId TargetId { get; } = targetId;
}

/// <summary>A group's membership as a member sets it (applied when newer than the receiver's revision).</summary>
internal sealed class GroupUpdateBody(Guid groupId, long revision, string name, IReadOnlyList<string> members) : ContentBody
{
    public Guid GroupId { get; } = groupId;

    public long Revision { get; } = revision;

    public string Name { get; } = name;

    public IReadOnlyList<string> Members { get; } = members;
}
