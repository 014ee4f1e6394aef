using System.Diagnostics.CodeAnalysis;
using E2EMessaging.Protocol;
using Google.Protobuf;
using Proto = E2EMessaging.Proto;

namespace E2EMessaging.Wire;

/// <summary>
/// One Signal ciphertext addressed to one device, with the routing metadata the relay needs and nothing more:
/// format version, the sender's <see cref="ClientMessageId"/>, sender and recipient device, the ciphertext's type,
/// an optional opaque group id, the sender's clock, and — once the relay has persisted it — the server sequence
/// (position in the recipient device's inbox) and server time. The ciphertext is opaque to the relay.
/// </summary>
public sealed class Envelope
{
    /// <summary>Creates an envelope.</summary>
    /// <exception cref="ArgumentException">A field is outside its limit (see <see cref="WireLimits"/>), or the id is empty.</exception>
    public Envelope(
        ClientMessageId clientMessageId,
        ProtocolAddress sender,
        ProtocolAddress recipient,
        EnvelopeType type,
        ReadOnlyMemory<byte> groupId,
        DateTimeOffset clientTimestamp,
        ReadOnlyMemory<byte> ciphertext,
        ulong? serverSequence = null,
        DateTimeOffset? serverTimestamp = null)
    {
        if (clientMessageId.IsEmpty)
        {
            throw new ArgumentException("The ClientMessageId is empty.", nameof(clientMessageId));
        }

        WireCodec.CheckAddressForWrite(sender, nameof(sender));
        WireCodec.CheckAddressForWrite(recipient, nameof(recipient));
        if (!WireCodec.IsDefined(type))
        {
            throw new ArgumentOutOfRangeException(nameof(type), "Unknown envelope type.");
        }

        WireCodec.AsArgument(() => WireCodec.CheckGroupId(groupId.Length), nameof(groupId));
        WireCodec.AsArgument(() => WireCodec.CheckCiphertext(ciphertext.Length, "envelope"), nameof(ciphertext));
        if (serverSequence.HasValue != serverTimestamp.HasValue)
        {
            throw new ArgumentException("The server sequence and server time come together or not at all.", nameof(serverTimestamp));
        }

        ClientMessageId = clientMessageId;
        Sender = sender;
        Recipient = recipient;
        Type = type;
        GroupId = groupId;
        ClientTimestamp = clientTimestamp;
        Ciphertext = ciphertext;
        ServerSequence = serverSequence;
        ServerTimestamp = serverTimestamp;
    }

    /// <summary>The format version (<see cref="WireLimits.CurrentVersion"/>).</summary>
    public uint Version => WireLimits.CurrentVersion;

    /// <summary>The sender's id for the message, shared by all the message's envelopes and retries.</summary>
    public ClientMessageId ClientMessageId { get; }

    /// <summary>The sending device (the relay sets it from the authenticated connection, never from the client's word).</summary>
    public ProtocolAddress Sender { get; }

    /// <summary>The device whose inbox holds the envelope.</summary>
    public ProtocolAddress Recipient { get; }

    /// <summary>The ciphertext's kind.</summary>
    public EnvelopeType Type { get; }

    /// <summary>The opaque group id, or empty for a 1:1 message.</summary>
    public ReadOnlyMemory<byte> GroupId { get; }

    /// <summary>The sender's clock when the message was composed (millisecond precision on the wire).</summary>
    public DateTimeOffset ClientTimestamp { get; }

    /// <summary>The Signal ciphertext, opaque to the relay.</summary>
    public ReadOnlyMemory<byte> Ciphertext { get; }

    /// <summary>The position in the recipient device's inbox, once persisted: increases by one per envelope appended.</summary>
    public ulong? ServerSequence { get; }

    /// <summary>The relay's clock when it persisted the envelope (the time of tick 1).</summary>
    public DateTimeOffset? ServerTimestamp { get; }

    /// <summary>A copy with the relay's persistence receipt.</summary>
    public Envelope WithServerReceipt(ulong serverSequence, DateTimeOffset serverTimestamp) =>
        new(ClientMessageId, Sender, Recipient, Type, GroupId, ClientTimestamp, Ciphertext, serverSequence, serverTimestamp);

    /// <summary>The protobuf encoding (see docs/wire-format.md).</summary>
    public byte[] Serialize() => ToProto().ToByteArray();

    /// <summary>Decodes an envelope.</summary>
    /// <exception cref="MessagingException">Truncated or not protobuf, wrong version, a field out of its limit, an unknown type.</exception>
    public static Envelope Parse(ReadOnlySpan<byte> serialized) =>
        FromProto(WireThrow.Parse(Proto.Envelope.Parser, serialized, "envelope", WireLimits.MaxCiphertextLength + 1024));

    /// <summary>Decodes an envelope; false on any malformed input.</summary>
    public static bool TryParse(ReadOnlySpan<byte> serialized, [NotNullWhen(true)] out Envelope? envelope)
    {
        try
        {
            envelope = Parse(serialized);
            return true;
        }
        catch (MessagingException)
        {
            envelope = null;
            return false;
        }
    }

    /// <summary>Names only: id, type and addresses, never content.</summary>
    public override string ToString() => $"Envelope({ClientMessageId}, {Type}, {Sender} -> {Recipient}{(ServerSequence is { } s ? $", seq {s}" : string.Empty)})";

    internal Proto.Envelope ToProto()
    {
        var proto = new Proto.Envelope
        {
            Version = WireLimits.CurrentVersion,
            ClientMessageId = WireCodec.Own(ClientMessageId.ToByteArray()),
            Sender = WireCodec.WriteAddress(Sender),
            Recipient = WireCodec.WriteAddress(Recipient),
            Type = WireCodec.WriteType(Type),
            GroupId = WireCodec.Bytes(GroupId),
            ClientTimestamp = WireCodec.WriteTime(ClientTimestamp),
            Ciphertext = WireCodec.Bytes(Ciphertext),
        };
        if (ServerSequence is { } sequence && ServerTimestamp is { } time)
        {
            proto.ServerSequence = sequence;
            proto.ServerTimestamp = WireCodec.WriteTime(time);
        }

        return proto;
    }

    internal static Envelope FromProto(Proto.Envelope proto)
    {
        WireCodec.RequireVersion(proto.Version, "envelope");
        ClientMessageId id = ClientMessageId.FromBytes(proto.ClientMessageId.Span);
        ProtocolAddress sender = WireCodec.ReadAddress(proto.Sender, "sender");
        ProtocolAddress recipient = WireCodec.ReadAddress(proto.Recipient, "recipient");
        EnvelopeType type = WireCodec.ReadType(proto.Type);
        WireCodec.CheckGroupId(proto.GroupId.Length);
        WireCodec.CheckCiphertext(proto.Ciphertext.Length, "envelope");
        DateTimeOffset clientTime = WireCodec.ReadTime(proto.ClientTimestamp, "client timestamp");
        if (proto.HasServerSequence != proto.HasServerTimestamp)
        {
            WireThrow.Invalid("An envelope has a server sequence without a server time, or the reverse.");
        }

        return new Envelope(
            id,
            sender,
            recipient,
            type,
            proto.GroupId.Memory,
            clientTime,
            proto.Ciphertext.Memory,
            proto.HasServerSequence ? proto.ServerSequence : null,
            proto.HasServerTimestamp ? WireCodec.ReadTime(proto.ServerTimestamp, "server timestamp") : null);
    }
}
