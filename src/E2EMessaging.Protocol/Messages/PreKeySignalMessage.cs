using E2EMessaging.Protocol.Keys;
using Google.Protobuf;
using WirePreKeySignalMessage = E2EMessaging.Protocol.Proto.Wire.PreKeySignalMessage;

namespace E2EMessaging.Protocol.Messages;

/// <summary>
/// The first messages of a session, sent until the peer replies: version byte 0x44, then a protobuf with the
/// initiator's registration id, identity key and base key, the prekey ids it used, the Kyber ciphertext, and
/// the <see cref="SignalMessage"/> itself.
/// </summary>
public sealed class PreKeySignalMessage : CiphertextMessage
{
    private PreKeySignalMessage(byte[] serialized, uint registrationId, uint? preKeyId, uint signedPreKeyId, uint kyberPreKeyId, ByteString kyberCiphertext, PublicKey baseKey, PublicKey identityKey, SignalMessage message)
        : base(serialized)
    {
        RegistrationId = registrationId;
        PreKeyId = preKeyId;
        SignedPreKeyId = signedPreKeyId;
        KyberPreKeyId = kyberPreKeyId;
        KyberCiphertext = kyberCiphertext;
        BaseKey = baseKey;
        IdentityKey = identityKey;
        Message = message;
    }

    /// <inheritdoc />
    public override CiphertextMessageType Type => CiphertextMessageType.PreKey;

    /// <summary>The protocol version (4).</summary>
    public int MessageVersion => CurrentVersion;

    /// <summary>The initiator's registration id.</summary>
    public uint RegistrationId { get; }

    /// <summary>The recipient's one-time prekey the initiator used, if any.</summary>
    public uint? PreKeyId { get; }

    /// <summary>The recipient's signed prekey the initiator used.</summary>
    public uint SignedPreKeyId { get; }

    /// <summary>The recipient's Kyber prekey the initiator encapsulated to.</summary>
    public uint KyberPreKeyId { get; }

    /// <summary>The Kyber ciphertext (0x08 || 1,568 bytes).</summary>
    internal ByteString KyberCiphertext { get; }

    /// <summary>The initiator's ephemeral (base) key.</summary>
    public PublicKey BaseKey { get; }

    /// <summary>The initiator's identity key.</summary>
    public PublicKey IdentityKey { get; }

    /// <summary>The enclosed message.</summary>
    public SignalMessage Message { get; }

    /// <summary>Parses a serialized prekey message.</summary>
    /// <exception cref="ProtocolException">
    /// A version other than 4 (<see cref="ProtocolErrorKind.UnsupportedVersion"/>; X3DH messages without Kyber are refused
    /// as libsignal refuses them), bad protobuf, missing fields, or bad keys.
    /// </exception>
    public static PreKeySignalMessage Deserialize(ReadOnlySpan<byte> serialized)
    {
        if (serialized.IsEmpty)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidEncoding, "A PreKeySignalMessage cannot be empty.");
        }

        CheckVersion(serialized[0], "PreKeySignalMessage");
        WirePreKeySignalMessage proto = ProtobufReader.Parse(WirePreKeySignalMessage.Parser, serialized[1..], "PreKeySignalMessage", Limits.MaxMessageLength);
        if (!proto.HasSignedPreKeyId || !proto.HasBaseKey || !proto.HasIdentityKey || !proto.HasMessage)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidEncoding, "The PreKeySignalMessage lacks its signed prekey id, base key, identity key or message.");
        }

        if (!proto.HasKyberPreKeyId || !proto.HasKyberCiphertext)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidEncoding, "The PreKeySignalMessage has no Kyber prekey id or ciphertext; PQXDH is mandatory.");
        }

        return new PreKeySignalMessage(
            serialized.ToArray(),
            proto.HasRegistrationId ? proto.RegistrationId : 0,
            proto.HasPreKeyId ? proto.PreKeyId : null,
            proto.SignedPreKeyId,
            proto.KyberPreKeyId,
            proto.KyberCiphertext,
            PublicKey.Deserialize(proto.BaseKey.Span),
            PublicKey.Deserialize(proto.IdentityKey.Span),
            SignalMessage.Deserialize(proto.Message.Span));
    }

    internal static PreKeySignalMessage Create(uint registrationId, uint? preKeyId, uint signedPreKeyId, uint kyberPreKeyId, ByteString kyberCiphertext, PublicKey baseKey, PublicKey identityKey, SignalMessage message)
    {
        var proto = new WirePreKeySignalMessage
        {
            RegistrationId = registrationId,
            SignedPreKeyId = signedPreKeyId,
            KyberPreKeyId = kyberPreKeyId,
            KyberCiphertext = kyberCiphertext,
            BaseKey = ByteString.CopyFrom(baseKey.SerializedSpan),
            IdentityKey = ByteString.CopyFrom(identityKey.SerializedSpan),
            Message = ByteString.CopyFrom(message.Serialized),
        };
        if (preKeyId.HasValue)
        {
            proto.PreKeyId = preKeyId.Value;
        }

        // Google.Protobuf writes fields by number, as libsignal's encoder does, so the bytes match libsignal's exactly.
        byte[] serialized = new byte[1 + proto.CalculateSize()];
        serialized[0] = CurrentVersionByte;
        proto.WriteTo(serialized.AsSpan(1));
        return new PreKeySignalMessage(serialized, registrationId, preKeyId, signedPreKeyId, kyberPreKeyId, kyberCiphertext, baseKey, identityKey, message);
    }

    /// <inheritdoc />
    public override string ToString() => $"PreKeySignalMessage(prekey {PreKeyId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, signed {SignedPreKeyId}, kyber {KyberPreKeyId})";
}
