using E2EMessaging.Content;
using E2EMessaging.Protocol;
using E2EMessaging.Wire;

namespace E2EMessaging.Client;

/// <summary>
/// A message this device received and stored: from another account, or (<see cref="IsSentTranscript"/>) a message
/// this account sent from another of its devices. Never prints its content.
/// </summary>
public sealed class ReceivedMessage
{
    internal ReceivedMessage(ClientMessageId id, ConversationId conversation, ProtocolAddress sender, DataMessage message, bool isSentTranscript, DateTimeOffset sentAt, DateTimeOffset? serverTimestamp)
    {
        Id = id;
        Conversation = conversation;
        Sender = sender;
        Message = message;
        IsSentTranscript = isSentTranscript;
        SentAt = sentAt;
        ServerTimestamp = serverTimestamp;
    }

    /// <summary>The sender's id for it.</summary>
    public ClientMessageId Id { get; }

    /// <summary>Its conversation.</summary>
    public ConversationId Conversation { get; }

    /// <summary>The device that sent it.</summary>
    public ProtocolAddress Sender { get; }

    /// <summary>The content.</summary>
    public DataMessage Message { get; }

    /// <summary>True when this account sent it from another device (a sent transcript).</summary>
    public bool IsSentTranscript { get; }

    /// <summary>The sender's clock when it was composed.</summary>
    public DateTimeOffset SentAt { get; }

    /// <summary>When the relay persisted it.</summary>
    public DateTimeOffset? ServerTimestamp { get; }

    /// <summary>Ids and addresses only.</summary>
    public override string ToString() => $"{nameof(ReceivedMessage)}({Id}, {Conversation}, from {Sender}{(IsSentTranscript ? ", sent transcript" : string.Empty)})";
}

/// <summary>What a <see cref="ClientEvent"/> reports.</summary>
public enum ClientEventKind
{
    /// <summary>Connected and authenticated to the relay.</summary>
    Connected = 1,

    /// <summary>The relay has sent everything that waited in this device's inbox.</summary>
    InboxDrained,

    /// <summary>Prekeys were uploaded (registration, replenishment).</summary>
    PreKeysUploaded,

    /// <summary>The signed prekey was replaced on schedule.</summary>
    SignedPreKeyRotated,

    /// <summary>This device made a new sender key for a group (first use, policy, or a member or device left).</summary>
    SenderKeyRotated,

    /// <summary>This device sent its sender key to member devices that lacked it.</summary>
    SenderKeyDistributed,

    /// <summary>A message could not be decrypted; a retry was requested from its sender.</summary>
    RetryRequested,

    /// <summary>A message was encrypted again for a device that asked.</summary>
    MessageResent,

    /// <summary>The relay reported a device mismatch; device lists and sessions were fixed and the message resubmitted.</summary>
    DeviceMismatchFixed,

    /// <summary>A group's membership changed.</summary>
    GroupUpdated,
}

/// <summary>Something the client did on its own that a host may want to show or log. Carries identifiers only.</summary>
public sealed class ClientEvent
{
    internal ClientEvent(ClientEventKind kind, string detail)
    {
        Kind = kind;
        Detail = detail;
    }

    /// <summary>What happened.</summary>
    public ClientEventKind Kind { get; }

    /// <summary>Identifiers (addresses, group and message ids, counts); never content or keys.</summary>
    public string Detail { get; }

    /// <summary>The kind and detail.</summary>
    public override string ToString() => $"{Kind}: {Detail}";
}
