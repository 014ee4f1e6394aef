using System.Buffers;
using System.Security.Cryptography;
using E2EMessaging.Protocol.Keys;
using Google.Protobuf;
using WireSignalMessage = E2EMessaging.Protocol.Proto.Wire.SignalMessage;

namespace E2EMessaging.Protocol.Messages;

/// <summary>
/// A Double Ratchet message: version byte 0x44, the protobuf (ratchet key, counter, previous counter,
/// ciphertext, SPQR message, optional addresses), then the first 8 bytes of an HMAC-SHA256 over both identity
/// keys, the version byte and the protobuf.
/// </summary>
public sealed class SignalMessage : CiphertextMessage
{
    /// <summary>Length of the truncated MAC at the end.</summary>
    internal const int MacLength = 8;

    /// <summary>Largest SignalMessage we parse (see <see cref="Limits.MaxMessageLength"/>).</summary>
    internal const int MaxLength = Limits.MaxMessageLength;

    private SignalMessage(byte[] serialized, int version, PublicKey senderRatchetKey, uint counter, uint previousCounter, ByteString body, ByteString pqRatchet, ByteString? addresses)
        : base(serialized)
    {
        MessageVersion = version;
        SenderRatchetKey = senderRatchetKey;
        Counter = counter;
        PreviousCounter = previousCounter;
        Body = body;
        PqRatchet = pqRatchet;
        Addresses = addresses;
    }

    /// <inheritdoc />
    public override CiphertextMessageType Type => CiphertextMessageType.Whisper;

    /// <summary>The protocol version (4).</summary>
    public int MessageVersion { get; }

    /// <summary>The sender's current ratchet public key.</summary>
    public PublicKey SenderRatchetKey { get; }

    /// <summary>The message's index in the sender's chain.</summary>
    public uint Counter { get; }

    /// <summary>The length of the sender's previous chain.</summary>
    public uint PreviousCounter { get; }

    /// <summary>The AES-256-CBC ciphertext.</summary>
    internal ByteString Body { get; }

    /// <summary>The SPQR message (empty when the session has no SPQR state).</summary>
    internal ByteString PqRatchet { get; }

    /// <summary>The 36-byte sender/recipient binding, when the sender included it.</summary>
    internal ByteString? Addresses { get; }

    /// <summary>Parses a serialized message. The MAC is checked later, by the session that decrypts it.</summary>
    /// <exception cref="ProtocolException">Too short or long, a version other than 4, bad protobuf, or missing fields.</exception>
    public static SignalMessage Deserialize(ReadOnlySpan<byte> serialized)
    {
        if (serialized.Length < 1 + MacLength)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidEncoding, $"A SignalMessage is at least {1 + MacLength} bytes; got {serialized.Length}.");
        }

        CheckVersion(serialized[0], "SignalMessage");
        WireSignalMessage proto = ProtobufReader.Parse(WireSignalMessage.Parser, serialized[1..^MacLength], "SignalMessage", MaxLength);
        if (!proto.HasRatchetKey || !proto.HasCounter || !proto.HasCiphertext)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidEncoding, "The SignalMessage lacks its ratchet key, counter or ciphertext.");
        }

        PublicKey ratchetKey = PublicKey.Deserialize(proto.RatchetKey.Span);
        return new SignalMessage(
            serialized.ToArray(),
            serialized[0] >> 4,
            ratchetKey,
            proto.Counter,
            proto.HasPreviousCounter ? proto.PreviousCounter : 0,
            proto.Ciphertext,
            proto.HasPqRatchet ? proto.PqRatchet : ByteString.Empty,
            proto.HasAddresses ? proto.Addresses : null);
    }

    /// <summary>Builds and MACs a message.</summary>
    internal static SignalMessage Create(
        ReadOnlySpan<byte> macKey,
        PublicKey senderRatchetKey,
        uint counter,
        uint previousCounter,
        byte[] ciphertext,
        PublicKey senderIdentity,
        PublicKey receiverIdentity,
        ByteString pqRatchet,
        ByteString? addresses)
    {
        var proto = new WireSignalMessage
        {
            RatchetKey = ByteString.CopyFrom(senderRatchetKey.SerializedSpan),
            Counter = counter,
            PreviousCounter = previousCounter,
            Ciphertext = UnsafeByteOperations.UnsafeWrap(ciphertext),
        };
        if (!pqRatchet.IsEmpty)
        {
            proto.PqRatchet = pqRatchet;
        }

        if (addresses is not null)
        {
            proto.Addresses = addresses;
        }

        int protoLength = proto.CalculateSize();
        byte[] serialized = new byte[1 + protoLength + MacLength];
        serialized[0] = CurrentVersionByte;
        proto.WriteTo(serialized.AsSpan(1, protoLength));
        ComputeMac(senderIdentity, receiverIdentity, macKey, serialized.AsSpan(0, 1 + protoLength), serialized.AsSpan(1 + protoLength));
        return new SignalMessage(serialized, CurrentVersion, senderRatchetKey, counter, previousCounter, proto.Ciphertext, pqRatchet, addresses);
    }

    /// <summary>Checks the MAC in constant time.</summary>
    internal bool VerifyMac(PublicKey senderIdentity, PublicKey receiverIdentity, ReadOnlySpan<byte> macKey)
    {
        ReadOnlySpan<byte> serialized = Serialized;
        Span<byte> expected = stackalloc byte[MacLength];
        ComputeMac(senderIdentity, receiverIdentity, macKey, serialized[..^MacLength], expected);
        return CryptographicOperations.FixedTimeEquals(expected, serialized[^MacLength..]);
    }

    private static void ComputeMac(PublicKey senderIdentity, PublicKey receiverIdentity, ReadOnlySpan<byte> macKey, ReadOnlySpan<byte> content, Span<byte> mac)
    {
        // One HMAC over sender identity || receiver identity || content, built in one buffer (all public bytes).
        const int KeysLength = 2 * PublicKey.SerializedLength;
        int length = KeysLength + content.Length;
        byte[]? rented = length > 1024 ? ArrayPool<byte>.Shared.Rent(length) : null;
        Span<byte> input = rented is null ? stackalloc byte[length] : rented.AsSpan(0, length);
        senderIdentity.SerializedSpan.CopyTo(input);
        receiverIdentity.SerializedSpan.CopyTo(input[PublicKey.SerializedLength..]);
        content.CopyTo(input[KeysLength..]);
        Span<byte> full = stackalloc byte[32];
        HMACSHA256.HashData(macKey, input, full);
        full[..MacLength].CopyTo(mac);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"SignalMessage(counter {Counter}, previous {PreviousCounter})";
}
