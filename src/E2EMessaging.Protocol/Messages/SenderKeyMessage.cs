using E2EMessaging.Protocol.Crypto;
using E2EMessaging.Protocol.Keys;
using Google.Protobuf;
using WireSenderKeyMessage = E2EMessaging.Protocol.Proto.Wire.SenderKeyMessage;

namespace E2EMessaging.Protocol.Messages;

/// <summary>
/// A group message: version byte 0x33, a protobuf (distribution id, chain id, iteration, AES-256-CBC ciphertext),
/// then a 64-byte XEdDSA signature by the sender's signing key over everything before it.
/// </summary>
public sealed class SenderKeyMessage : CiphertextMessage
{
    /// <summary>The version this library sends and accepts (3 in both nibbles).</summary>
    internal const int Version = 3;

    private const byte VersionByte = (Version << 4) | Version;

    private SenderKeyMessage(byte[] serialized, Guid distributionId, uint chainId, uint iteration, ByteString ciphertext)
        : base(serialized)
    {
        DistributionId = distributionId;
        ChainId = chainId;
        Iteration = iteration;
        Ciphertext = ciphertext;
    }

    /// <inheritdoc />
    public override CiphertextMessageType Type => CiphertextMessageType.SenderKey;

    /// <summary>The distribution (group) this message belongs to.</summary>
    public Guid DistributionId { get; }

    /// <summary>The sender's chain (a random 31-bit id per sender key).</summary>
    public uint ChainId { get; }

    /// <summary>The message's position in the chain.</summary>
    public uint Iteration { get; }

    internal ByteString Ciphertext { get; }

    /// <summary>Parses a group message. Its signature is checked by the group cipher, which knows the key.</summary>
    /// <exception cref="ProtocolException">Too short, a version other than 3, bad protobuf or missing fields.</exception>
    public static SenderKeyMessage Deserialize(ReadOnlySpan<byte> serialized)
    {
        if (serialized.Length < 1 + XEdDsa.SignatureLength)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidEncoding, $"A SenderKeyMessage is at least {1 + XEdDsa.SignatureLength} bytes; got {serialized.Length}.");
        }

        CheckSenderKeyVersion(serialized[0], "SenderKeyMessage");
        WireSenderKeyMessage proto = ProtobufReader.Parse(WireSenderKeyMessage.Parser, serialized[1..^XEdDsa.SignatureLength], "SenderKeyMessage", Limits.MaxMessageLength);
        if (!proto.HasChainId || !proto.HasIteration || !proto.HasCiphertext)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidEncoding, "The SenderKeyMessage lacks its chain id, iteration or ciphertext.");
        }

        return new SenderKeyMessage(serialized.ToArray(), ReadDistributionId(proto.HasDistributionUuid ? proto.DistributionUuid : null), proto.ChainId, proto.Iteration, proto.Ciphertext);
    }

    /// <summary>Builds and signs a group message.</summary>
    internal static SenderKeyMessage Create(Guid distributionId, uint chainId, uint iteration, byte[] ciphertext, PrivateKey signingKey, IRandomSource random)
    {
        var proto = new WireSenderKeyMessage
        {
            DistributionUuid = WriteDistributionId(distributionId),
            ChainId = chainId,
            Iteration = iteration,
            Ciphertext = UnsafeByteOperations.UnsafeWrap(ciphertext),
        };
        int protoLength = proto.CalculateSize();
        byte[] serialized = new byte[1 + protoLength + XEdDsa.SignatureLength];
        serialized[0] = VersionByte;
        proto.WriteTo(serialized.AsSpan(1, protoLength));
        byte[] signature = signingKey.CalculateSignature(serialized.AsSpan(0, 1 + protoLength), random);
        signature.CopyTo(serialized, 1 + protoLength);
        return new SenderKeyMessage(serialized, distributionId, chainId, iteration, proto.Ciphertext);
    }

    /// <summary>Checks the signature over everything but the signature itself.</summary>
    internal bool VerifySignature(PublicKey signingKey) =>
        signingKey.VerifySignature(Serialized[..^XEdDsa.SignatureLength], Serialized[^XEdDsa.SignatureLength..]);

    internal static void CheckSenderKeyVersion(byte versionByte, string what)
    {
        int version = versionByte >> 4;
        if (version != Version)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.UnsupportedVersion, $"The {what} has version {version}; sender keys are version 3.");
        }
    }

    internal static Guid ReadDistributionId(ByteString? bytes)
    {
        if (bytes is null || bytes.Length != 16)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidEncoding, "The distribution id is not a 16-byte UUID.");
        }

        return new Guid(bytes.Span, bigEndian: true);
    }

    internal static ByteString WriteDistributionId(Guid distributionId)
    {
        byte[] bytes = new byte[16];
        distributionId.TryWriteBytes(bytes, bigEndian: true, out _);
        return UnsafeByteOperations.UnsafeWrap(bytes);
    }

    /// <inheritdoc />
    public override string ToString() => $"SenderKeyMessage({DistributionId}, chain {ChainId}, iteration {Iteration})";
}
