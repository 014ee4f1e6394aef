using E2EMessaging.Protocol.Keys;
using Google.Protobuf;
using WireDistribution = E2EMessaging.Protocol.Proto.Wire.SenderKeyDistributionMessage;

namespace E2EMessaging.Protocol.Messages;

/// <summary>
/// A sender's key for a group, sent to each member over the pairwise (1:1) session: version byte 0x33 and a
/// protobuf with the distribution id, chain id, current iteration, chain key and signing public key. It is
/// secret (it holds the chain key) and must only travel encrypted.
/// </summary>
public sealed class SenderKeyDistributionMessage
{
    private readonly byte[] _serialized;

    private SenderKeyDistributionMessage(byte[] serialized, Guid distributionId, uint chainId, uint iteration, ByteString chainKey, PublicKey signingKey)
    {
        _serialized = serialized;
        DistributionId = distributionId;
        ChainId = chainId;
        Iteration = iteration;
        ChainKey = chainKey;
        SigningKey = signingKey;
    }

    /// <summary>The distribution (group) id.</summary>
    public Guid DistributionId { get; }

    /// <summary>The sender key's chain id (31 random bits).</summary>
    public uint ChainId { get; }

    /// <summary>The iteration the chain key is at.</summary>
    public uint Iteration { get; }

    /// <summary>The key that verifies the sender's group messages.</summary>
    public PublicKey SigningKey { get; }

    internal ByteString ChainKey { get; }

    /// <summary>The bytes to send (encrypted, over the 1:1 session), a fresh copy.</summary>
    public byte[] Serialize() => (byte[])_serialized.Clone();

    /// <summary>Parses a distribution message.</summary>
    /// <exception cref="ProtocolException">A version other than 3, bad protobuf, missing fields, or a chain key or signing key of the wrong length.</exception>
    public static SenderKeyDistributionMessage Deserialize(ReadOnlySpan<byte> serialized)
    {
        if (serialized.Length < 1 + 32 + 32)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidEncoding, $"A SenderKeyDistributionMessage is at least 65 bytes; got {serialized.Length}.");
        }

        SenderKeyMessage.CheckSenderKeyVersion(serialized[0], "SenderKeyDistributionMessage");
        WireDistribution proto = ProtobufReader.Parse(WireDistribution.Parser, serialized[1..], "SenderKeyDistributionMessage");
        if (!proto.HasChainId || !proto.HasIteration || !proto.HasChainKey || !proto.HasSigningKey)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidEncoding, "The SenderKeyDistributionMessage lacks a field.");
        }

        if (proto.ChainKey.Length != 32 || proto.SigningKey.Length != PublicKey.SerializedLength)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidEncoding, "The SenderKeyDistributionMessage has a chain key or signing key of the wrong length.");
        }

        return new SenderKeyDistributionMessage(
            serialized.ToArray(),
            SenderKeyMessage.ReadDistributionId(proto.HasDistributionUuid ? proto.DistributionUuid : null),
            proto.ChainId,
            proto.Iteration,
            proto.ChainKey,
            PublicKey.Deserialize(proto.SigningKey.Span));
    }

    internal static SenderKeyDistributionMessage Create(Guid distributionId, uint chainId, uint iteration, ReadOnlySpan<byte> chainKey, PublicKey signingKey)
    {
        var proto = new WireDistribution
        {
            DistributionUuid = SenderKeyMessage.WriteDistributionId(distributionId),
            ChainId = chainId,
            Iteration = iteration,
            ChainKey = ByteString.CopyFrom(chainKey),
            SigningKey = ByteString.CopyFrom(signingKey.SerializedSpan),
        };
        byte[] serialized = new byte[1 + proto.CalculateSize()];
        serialized[0] = (SenderKeyMessage.Version << 4) | SenderKeyMessage.Version;
        proto.WriteTo(serialized.AsSpan(1));
        return new SenderKeyDistributionMessage(serialized, distributionId, chainId, iteration, proto.ChainKey, signingKey);
    }

    /// <summary>Identifiers only: the chain key is secret.</summary>
    public override string ToString() => $"SenderKeyDistributionMessage({DistributionId}, chain {ChainId}, iteration {Iteration})";
}
