using E2EMessaging.Protocol.Spqr;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Spqr;

/// <summary>The braid message wire format (SPQR v1.5.3 states/serialize.rs layout, described on <see cref="BraidMessage"/>).</summary>
public sealed class BraidMessageTests
{
    private static readonly BraidPayloadKind[] ChunkKinds =
    [
        BraidPayloadKind.Header, BraidPayloadKind.EncapsulationKey, BraidPayloadKind.EncapsulationKeyCt1Ack,
        BraidPayloadKind.Ciphertext1, BraidPayloadKind.Ciphertext2,
    ];

    [Fact]
    public void Known_layout_without_chunk()
    {
        // The crate's varint test value 0x012C encodes as AC 02.
        byte[] bytes = BraidMessage.Create(0x012C, BraidPayloadKind.None).Serialize(5);
        Assert.Equal(new byte[] { 0x01, 0xAC, 0x02, 0x05, 0x00 }, bytes);
        Assert.Equal(new byte[] { 0x01, 0x01, 0x00, 0x04 }, BraidMessage.Create(1, BraidPayloadKind.Ct1Ack).Serialize(0));
    }

    [Fact]
    public void Known_layout_with_chunk()
    {
        byte[] data = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        byte[] bytes = BraidMessage.Create(2, BraidPayloadKind.Ciphertext1, new ErasureChunk(200, data)).Serialize(uint.MaxValue);
        byte[] expected = [0x01, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x05, 0xC8, 0x01, .. data];
        Assert.Equal(expected, bytes);

        BraidMessage message = BraidMessage.Deserialize(bytes, out uint index);
        Assert.Equal(uint.MaxValue, index);
        Assert.Equal(2ul, message.Epoch);
        Assert.Equal(BraidPayloadKind.Ciphertext1, message.Kind);
        Assert.Equal(200, message.Chunk.Index);
        Assert.Equal(data, message.Chunk.Data.ToArray());
    }

    [Property(MaxTest = 300)]
    public bool Round_trip(ulong epochSeed, uint index, byte kindSeed, ushort chunkIndex, int dataSeed)
    {
        ulong epoch = Math.Max(1, epochSeed);
        var kind = (BraidPayloadKind)(kindSeed % 7);
        byte[] data = new byte[32];
        new Random(dataSeed).NextBytes(data);
        BraidMessage message = ChunkKinds.Contains(kind)
            ? BraidMessage.Create(epoch, kind, new ErasureChunk(chunkIndex, data))
            : BraidMessage.Create(epoch, kind);
        byte[] bytes = message.Serialize(index);
        BraidMessage read = BraidMessage.Deserialize(bytes, out uint readIndex);
        return readIndex == index && read.Epoch == epoch && read.Kind == kind && read.HasChunk == message.HasChunk
            && (!read.HasChunk || (read.Chunk.Index == chunkIndex && read.Chunk.Data.SequenceEqual(data)))
            && read.Serialize(index).AsSpan().SequenceEqual(bytes);
    }

    [Property(MaxTest = 100)]
    public bool Every_strict_prefix_is_refused_and_trailing_bytes_are_ignored(ulong epochSeed, uint index, ushort chunkIndex, byte[] trailing)
    {
        BraidMessage message = BraidMessage.Create(Math.Max(1, epochSeed), BraidPayloadKind.EncapsulationKey, new ErasureChunk(chunkIndex, new byte[32]));
        byte[] bytes = message.Serialize(index);
        for (int length = 0; length < bytes.Length; length++)
        {
            if (!IsInvalidMessage(bytes.AsSpan(0, length).ToArray()))
            {
                return false;
            }
        }

        BraidMessage read = BraidMessage.Deserialize([.. bytes, .. trailing ?? []], out uint readIndex);
        return readIndex == index && read.Serialize(index).AsSpan().SequenceEqual(bytes);
    }

    [Property(MaxTest = 1000)]
    public bool Random_bytes_parse_or_fail_with_invalid_message(byte[] bytes)
    {
        bytes ??= [];
        if (bytes.Length > 0 && bytes[0] != 1 && bytes.Length % 2 == 0)
        {
            bytes[0] = 1; // get past the version byte half of the time
        }

        try
        {
            BraidMessage.Deserialize(bytes, out _);
            return true;
        }
        catch (ProtocolException e)
        {
            return e.Kind == ProtocolErrorKind.InvalidMessage;
        }
    }

    public static readonly TheoryData<string, byte[]> Hostile = new()
    {
        { "empty", [] },
        { "version 0", [0x00, 0x01, 0x00, 0x00] },
        { "version 2", [0x02, 0x01, 0x00, 0x00] },
        { "epoch 0", [0x01, 0x00, 0x00, 0x00] },
        { "epoch varint truncated", [0x01, 0x80] },
        { "epoch varint of 11 bytes", [0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x00, 0x00] },
        { "index over 32 bits", [0x01, 0x01, 0x80, 0x80, 0x80, 0x80, 0x10, 0x00] },
        { "no type", [0x01, 0x01, 0x00] },
        { "type 7", [0x01, 0x01, 0x00, 0x07] },
        { "type 255", [0x01, 0x01, 0x00, 0xFF] },
        { "chunk missing", [0x01, 0x01, 0x00, 0x01] },
        { "chunk index over 16 bits", [0x01, 0x01, 0x00, 0x01, 0x80, 0x80, 0x04, .. new byte[32]] },
        { "chunk data short", [0x01, 0x01, 0x00, 0x02, 0x00, .. new byte[31]] },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Hostile_messages_are_refused(string what, byte[] bytes)
    {
        ProtocolException e = Assert.Throws<ProtocolException>(() => BraidMessage.Deserialize(bytes, out _));
        Assert.True(e.Kind == ProtocolErrorKind.InvalidMessage, what);
    }

    [Fact]
    public void Varint_edge_cases_follow_the_crate()
    {
        // Ten bytes: the tenth contributes only its lowest bit (the crate drops the rest).
        byte[] tenBytes = [0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x00, 0x00];
        Assert.Equal(ulong.MaxValue, BraidMessage.Deserialize(tenBytes, out _).Epoch);
        Assert.Equal(ulong.MaxValue, BraidMessage.Deserialize(BraidMessage.Create(ulong.MaxValue, BraidPayloadKind.None).Serialize(0), out _).Epoch);

        // Non-minimal encodings are accepted: index 0 written as 80 00.
        BraidMessage.Deserialize([0x01, 0x01, 0x80, 0x00, 0x00], out uint index);
        Assert.Equal(0u, index);
    }

    [Fact]
    public void Creating_messages_checks_its_arguments()
    {
        Assert.Throws<ArgumentException>(() => BraidMessage.Create(1, BraidPayloadKind.Header));
        Assert.Throws<ArgumentException>(() => BraidMessage.Create(1, BraidPayloadKind.None, new ErasureChunk(0, new byte[32])));
        Assert.Throws<ArgumentOutOfRangeException>(() => BraidMessage.Create(0, BraidPayloadKind.None));
        Assert.Throws<InvalidOperationException>(() => BraidMessage.Create(1, BraidPayloadKind.None).Chunk);
        Assert.DoesNotContain("0x", BraidMessage.Create(3, BraidPayloadKind.Ciphertext2, new ErasureChunk(9, new byte[32])).ToString(), StringComparison.Ordinal);
    }

    private static bool IsInvalidMessage(byte[] bytes)
    {
        try
        {
            BraidMessage.Deserialize(bytes, out _);
            return false;
        }
        catch (ProtocolException e)
        {
            return e.Kind == ProtocolErrorKind.InvalidMessage;
        }
    }
}
