using E2EMessaging.Content;
using E2EMessaging.Wire;

namespace E2EMessaging.Storage;

/// <summary>Which way a stored message went.</summary>
public enum MessageDirection
{
    /// <summary>Received from another account.</summary>
    Incoming = 0,

    /// <summary>Sent by this account (from this device, or from another of its devices and synced here).</summary>
    Outgoing = 1,
}

/// <summary>A message as this device keeps it. Never prints its content.</summary>
public sealed class StoredMessage
{
    /// <summary>Creates a stored message.</summary>
    public StoredMessage(ClientMessageId id, ConversationId conversation, string author, uint authorDevice, MessageDirection direction, long timestamp, DataMessage message)
    {
        ArgumentNullException.ThrowIfNull(author);
        ArgumentNullException.ThrowIfNull(message);
        Id = id;
        Conversation = conversation;
        Author = author;
        AuthorDevice = authorDevice;
        Direction = direction;
        Timestamp = timestamp;
        Message = message;
    }

    /// <summary>The sender's id for the message.</summary>
    public ClientMessageId Id { get; }

    /// <summary>The conversation it belongs to.</summary>
    public ConversationId Conversation { get; }

    /// <summary>The author's account name.</summary>
    public string Author { get; }

    /// <summary>The device that sent it.</summary>
    public uint AuthorDevice { get; }

    /// <summary>Incoming or outgoing.</summary>
    public MessageDirection Direction { get; }

    /// <summary>The sender's clock when it composed the message, Unix milliseconds.</summary>
    public long Timestamp { get; }

    /// <summary>The content.</summary>
    public DataMessage Message { get; }

    /// <summary>The type name, id and conversation; never the content.</summary>
    public override string ToString() => $"{nameof(StoredMessage)}({Id}, {Conversation})";
}
