using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using E2EMessaging.Protocol;
using Google.Protobuf;
using Proto = E2EMessaging.Proto;

namespace E2EMessaging.Wire;

/// <summary>
/// One message on its way to the relay: its <see cref="ClientMessageId"/> (the same on every retry), every
/// recipient device's envelope, and the <see cref="DeviceSetHash"/> of the devices it was encrypted for. The relay
/// accepts all of it or none of it. Identical ciphertexts (a group's sender-key message) travel once on the wire.
/// </summary>
public sealed class SubmitRequest
{
    private byte[]? _contentDigest;

    /// <summary>Creates a submit and computes its device-set hash.</summary>
    /// <exception cref="ArgumentException">
    /// No envelopes, more than <see cref="WireLimits.MaxRecipientsPerSubmit"/>, a device named twice, an empty id, or a group id over its limit.
    /// </exception>
    public SubmitRequest(ClientMessageId clientMessageId, DateTimeOffset clientTimestamp, IEnumerable<OutgoingEnvelope> envelopes, ReadOnlyMemory<byte> groupId = default)
    {
        ArgumentNullException.ThrowIfNull(envelopes);
        if (clientMessageId.IsEmpty)
        {
            throw new ArgumentException("The ClientMessageId is empty.", nameof(clientMessageId));
        }

        WireCodec.AsArgument(() => WireCodec.CheckGroupId(groupId.Length), nameof(groupId));
        var list = envelopes.ToList();
        WireCodec.AsArgument(() => CheckRecipients(list), nameof(envelopes));
        ClientMessageId = clientMessageId;
        ClientTimestamp = clientTimestamp;
        GroupId = groupId;
        Envelopes = list.AsReadOnly();
        DeviceSetHash = Wire.DeviceSetHash.Compute(list);
    }

    private SubmitRequest(ClientMessageId id, DateTimeOffset clientTimestamp, List<OutgoingEnvelope> envelopes, ReadOnlyMemory<byte> groupId, byte[] deviceSetHash)
    {
        ClientMessageId = id;
        ClientTimestamp = clientTimestamp;
        GroupId = groupId;
        Envelopes = envelopes.AsReadOnly();
        DeviceSetHash = deviceSetHash;
    }

    /// <summary>The message's id, shared by its envelopes and retries.</summary>
    public ClientMessageId ClientMessageId { get; }

    /// <summary>The sender's clock when the message was composed.</summary>
    public DateTimeOffset ClientTimestamp { get; }

    /// <summary>The opaque group id, or empty for a 1:1 message.</summary>
    public ReadOnlyMemory<byte> GroupId { get; }

    /// <summary>One envelope per recipient device, in the order given.</summary>
    public IReadOnlyList<OutgoingEnvelope> Envelopes { get; }

    /// <summary>The <see cref="Wire.DeviceSetHash"/> of the recipient devices (32 bytes).</summary>
    public ReadOnlyMemory<byte> DeviceSetHash { get; }

    /// <summary>
    /// A digest of everything the relay would store for this submit, independent of the order of its envelopes:
    /// two submits with one id and the same digest are the same message (a retry); with another digest, a conflict.
    /// </summary>
    internal ReadOnlySpan<byte> ContentDigest => _contentDigest ??= ComputeContentDigest();

    /// <summary>The protobuf encoding.</summary>
    public byte[] Serialize() => ToProto().ToByteArray();

    /// <summary>Decodes a submit.</summary>
    /// <exception cref="MessagingException">Malformed, wrong version, over a limit, or a device-set hash that does not match the envelopes.</exception>
    public static SubmitRequest Parse(ReadOnlySpan<byte> serialized) =>
        FromProto(WireThrow.Parse(Proto.SubmitRequest.Parser, serialized, "submit request", WireLimits.MaxFrameLength));

    /// <summary>Decodes a submit; false on any malformed input.</summary>
    public static bool TryParse(ReadOnlySpan<byte> serialized, [NotNullWhen(true)] out SubmitRequest? request)
    {
        try
        {
            request = Parse(serialized);
            return true;
        }
        catch (MessagingException)
        {
            request = null;
            return false;
        }
    }

    /// <summary>Names only.</summary>
    public override string ToString() => $"SubmitRequest({ClientMessageId}, {Envelopes.Count} devices{(GroupId.IsEmpty ? string.Empty : ", group")})";

    internal Proto.SubmitRequest ToProto()
    {
        var proto = new Proto.SubmitRequest
        {
            Version = WireLimits.CurrentVersion,
            ClientMessageId = WireCodec.Own(ClientMessageId.ToByteArray()),
            ClientTimestamp = WireCodec.WriteTime(ClientTimestamp),
            GroupId = WireCodec.Bytes(GroupId),
            DeviceSetHash = WireCodec.Bytes(DeviceSetHash),
        };

        // Identical ciphertexts (the same memory, or equal bytes) travel once.
        var indexByContent = new Dictionary<ReadOnlyMemory<byte>, uint>(ContentComparer.Instance);
        foreach (OutgoingEnvelope envelope in Envelopes)
        {
            if (!indexByContent.TryGetValue(envelope.Ciphertext, out uint index))
            {
                index = (uint)proto.Payloads.Count;
                indexByContent.Add(envelope.Ciphertext, index);
                proto.Payloads.Add(WireCodec.Bytes(envelope.Ciphertext));
            }

            proto.Recipients.Add(new Proto.SubmitRecipient
            {
                Address = WireCodec.WriteAddress(envelope.Recipient),
                RegistrationId = envelope.RegistrationId,
                Type = WireCodec.WriteType(envelope.Type),
                PayloadIndex = index,
            });
        }

        return proto;
    }

    internal static SubmitRequest FromProto(Proto.SubmitRequest proto)
    {
        WireCodec.RequireVersion(proto.Version, "submit request");
        ClientMessageId id = ClientMessageId.FromBytes(proto.ClientMessageId.Span);
        DateTimeOffset clientTime = WireCodec.ReadTime(proto.ClientTimestamp, "client timestamp");
        WireCodec.CheckGroupId(proto.GroupId.Length);
        if (proto.Recipients.Count > WireLimits.MaxRecipientsPerSubmit)
        {
            WireThrow.Kind(MessagingErrorKind.TooManyRecipients, $"A submit names {proto.Recipients.Count} devices; the limit is {WireLimits.MaxRecipientsPerSubmit}.");
        }

        if (proto.Payloads.Count > proto.Recipients.Count)
        {
            WireThrow.Invalid("A submit has more ciphertexts than recipients.");
        }

        var payloads = new ReadOnlyMemory<byte>[proto.Payloads.Count];
        for (int i = 0; i < payloads.Length; i++)
        {
            WireCodec.CheckCiphertext(proto.Payloads[i].Length, "submitted");
            payloads[i] = proto.Payloads[i].Memory;
        }

        var used = new bool[payloads.Length];
        var envelopes = new List<OutgoingEnvelope>(proto.Recipients.Count);
        foreach (Proto.SubmitRecipient recipient in proto.Recipients)
        {
            ProtocolAddress address = WireCodec.ReadAddress(recipient.Address, "recipient");
            EnvelopeType type = WireCodec.ReadType(recipient.Type);
            if (recipient.PayloadIndex >= payloads.Length)
            {
                WireThrow.Invalid($"A recipient names ciphertext {recipient.PayloadIndex}; the submit has {payloads.Length}.");
            }

            used[recipient.PayloadIndex] = true;
            envelopes.Add(new OutgoingEnvelope(address, recipient.RegistrationId, type, payloads[recipient.PayloadIndex]));
        }

        if (Array.IndexOf(used, false) >= 0)
        {
            WireThrow.Invalid("A submit carries a ciphertext no recipient uses.");
        }

        CheckRecipients(envelopes);
        if (proto.DeviceSetHash.Length != WireLimits.DeviceSetHashLength)
        {
            WireThrow.Invalid($"The device-set hash is {proto.DeviceSetHash.Length} bytes; it is {WireLimits.DeviceSetHashLength}.");
        }

        byte[] hash = Wire.DeviceSetHash.Compute(envelopes);
        if (!CryptographicOperations.FixedTimeEquals(hash, proto.DeviceSetHash.Span))
        {
            WireThrow.Invalid("The device-set hash does not match the submit's recipients.");
        }

        return new SubmitRequest(id, clientTime, envelopes, proto.GroupId.Memory, hash);
    }

    private static void CheckRecipients(List<OutgoingEnvelope> envelopes)
    {
        if (envelopes.Count == 0)
        {
            WireThrow.Invalid("A submit names no recipient device.");
        }

        if (envelopes.Count > WireLimits.MaxRecipientsPerSubmit)
        {
            WireThrow.Kind(MessagingErrorKind.TooManyRecipients, $"A submit names {envelopes.Count} devices; the limit is {WireLimits.MaxRecipientsPerSubmit}.");
        }

        var seen = new HashSet<ProtocolAddress>();
        foreach (OutgoingEnvelope envelope in envelopes)
        {
            if (envelope is null)
            {
                WireThrow.Invalid("A submit has a null envelope.");
            }

            if (!seen.Add(envelope.Recipient))
            {
                WireThrow.Invalid($"A submit names device {envelope.Recipient} twice.");
            }
        }
    }

    private byte[] ComputeContentDigest()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> buffer = stackalloc byte[32];
        hash.AppendData("E2EMessaging-submit-content-v1"u8);
        ClientMessageId.WriteTo(buffer[..16]);
        hash.AppendData(buffer[..16]);
        BinaryPrimitives.WriteUInt64BigEndian(buffer, WireCodec.WriteTime(ClientTimestamp));
        hash.AppendData(buffer[..8]);
        BinaryPrimitives.WriteUInt32BigEndian(buffer, (uint)GroupId.Length);
        hash.AppendData(buffer[..4]);
        hash.AppendData(GroupId.Span);
        foreach (OutgoingEnvelope envelope in Envelopes.OrderBy(e => e.Recipient.Name, StringComparer.Ordinal).ThenBy(e => e.Recipient.DeviceId))
        {
            byte[] account = Encoding.UTF8.GetBytes(envelope.Recipient.Name);
            BinaryPrimitives.WriteUInt32BigEndian(buffer, (uint)account.Length);
            hash.AppendData(buffer[..4]);
            hash.AppendData(account);
            BinaryPrimitives.WriteUInt32BigEndian(buffer, envelope.Recipient.DeviceId);
            BinaryPrimitives.WriteUInt32BigEndian(buffer[4..], envelope.RegistrationId);
            BinaryPrimitives.WriteUInt32BigEndian(buffer[8..], (uint)envelope.Type);
            hash.AppendData(buffer[..12]);
            SHA256.HashData(envelope.Ciphertext.Span, buffer);
            hash.AppendData(buffer);
        }

        return hash.GetHashAndReset();
    }

    /// <summary>Byte equality for ciphertexts, with a cheap hash (length and first bytes) so that large payloads hash fast.</summary>
    private sealed class ContentComparer : IEqualityComparer<ReadOnlyMemory<byte>>
    {
        public static readonly ContentComparer Instance = new();

        public bool Equals(ReadOnlyMemory<byte> x, ReadOnlyMemory<byte> y) => x.Span.SequenceEqual(y.Span);

        public int GetHashCode(ReadOnlyMemory<byte> obj)
        {
            var hash = new HashCode();
            hash.Add(obj.Length);
            hash.AddBytes(obj.Span[..Math.Min(32, obj.Length)]);
            return hash.ToHashCode();
        }
    }
}
