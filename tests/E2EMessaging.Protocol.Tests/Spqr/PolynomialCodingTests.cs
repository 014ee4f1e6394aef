using E2EMessaging.Protocol.Spqr;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Spqr;

public sealed class PolynomialCodingTests
{
    // Lengths SPQR v1 encodes with ML-KEM-768: header 64 + MAC 32, encapsulation key remainder 1152,
    // ct1 960, ct2 128 + MAC 32; plus 1088 and 10 from the crate's own tests, and edge sizes.
    public static readonly TheoryData<int> Lengths = new() { 96, 1152, 960, 160, 1088, 10, 0, 2, 30, 32, 34, 64, 128 };

    private static byte[] RandomMessage(Random rng, int length)
    {
        var message = new byte[length];
        rng.NextBytes(message);
        return message;
    }

    private static int ChunksNeeded(int length) => (length + 31) / 32;

    [Fact]
    public void Crate_test_encode_and_decode_small()
    {
        // SparsePostQuantumRatchet v1.5.3 polynomial.rs `encode_and_decode_small`: chunks 1 and 2 of "abcdefghij".
        byte[] message = "abcdefghij"u8.ToArray();
        PolynomialEncoder encoder = PolynomialEncoder.Create(message);
        PolynomialDecoder decoder = PolynomialDecoder.Create(10);
        decoder.AddChunk(encoder.ChunkAt(1));
        decoder.AddChunk(encoder.ChunkAt(2));
        Assert.Equal(message, decoder.DecodedMessage());
    }

    [Fact]
    public void Crate_test_encode_and_decode_large()
    {
        // polynomial.rs `encode_and_decode_large`: 1088 bytes of 3, chunks 35..71 only (none systematic);
        // decodes once enough have arrived.
        byte[] message = Enumerable.Repeat((byte)3, 1088).ToArray();
        int needed = (1088 / 32) + 1;
        PolynomialEncoder encoder = PolynomialEncoder.Create(message);
        PolynomialDecoder decoder = PolynomialDecoder.Create(1088);
        int added = 0;
        for (int i = needed; i < (needed * 2) + 1; i++)
        {
            decoder.AddChunk(encoder.ChunkAt((ushort)i));
            added++;
            byte[]? decoded = decoder.DecodedMessage();
            if (decoded is not null)
            {
                Assert.Equal(message, decoded);
                Assert.Equal(34, added);
                return;
            }
        }

        Assert.Fail("should have decoded by now");
    }

    [Fact]
    public void Crate_test_to_and_from_pb_chunk_pattern()
    {
        // polynomial.rs `to_and_from_pb` (without the protobuf round trip): chunks 2..33, then 34 and 35.
        byte[] message = Enumerable.Repeat((byte)3, 1088).ToArray();
        PolynomialEncoder encoder = PolynomialEncoder.Create(message);
        PolynomialDecoder decoder = PolynomialDecoder.Create(1088);
        for (ushort i = 2; i < 34; i++)
        {
            decoder.AddChunk(encoder.ChunkAt(i));
        }

        Assert.Null(decoder.DecodedMessage());
        decoder.AddChunk(encoder.ChunkAt(34));
        decoder.AddChunk(encoder.ChunkAt(35));
        Assert.Equal(message, decoder.DecodedMessage());
    }

    [Fact]
    public void Systematic_chunks_are_the_message_bytes_and_short_lanes_are_constant_or_zero()
    {
        // Hand-derived: 10 bytes = 5 big-endian values, one per lane 0..4 at x = 0; lanes 5..15 are empty (zero
        // polynomial). Degree-0 lanes are constant, so every chunk is "abcdefghij" followed by 22 zero bytes.
        byte[] expected = new byte[32];
        "abcdefghij"u8.CopyTo(expected);
        PolynomialEncoder encoder = PolynomialEncoder.Create("abcdefghij"u8);
        foreach (ushort i in new ushort[] { 0, 1, 2, 1000, 65535 })
        {
            Assert.Equal(expected, encoder.ChunkAt(i).Data.ToArray());
        }

        // Longer message: chunk i < L/32 is exactly msg[32i .. 32i+32].
        byte[] message = RandomMessage(new Random(7), 1152);
        PolynomialEncoder big = PolynomialEncoder.Create(message);
        for (int i = 0; i < 36; i++)
        {
            ErasureChunk chunk = big.NextChunk();
            Assert.Equal(i, chunk.Index);
            Assert.Equal(message.AsSpan(32 * i, 32).ToArray(), chunk.Data.ToArray());
        }
    }

    [Fact]
    public void Parity_chunk_values_derived_by_hand()
    {
        // 64 bytes: every lane has points at x = 0 and x = 1, so P(x) = a + (a ⊕ b)·x.
        // Lane 0: a = 0x0001 (bytes 0..1), b = 0x0003 (bytes 32..33) → P(x) = 1 + 2x.
        // P(2) = 1 ⊕ 4 = 0x0005, P(3) = 1 ⊕ (2·3 = 6) = 0x0007. Lane 1: a = 0x1234, b = 0x1234 → constant.
        // Lane 15: a = 0x0000, b = 0x8000 → P(x) = 0x8000·x; P(2) = x^16 ≡ 0x100b.
        var message = new byte[64];
        message[1] = 0x01;
        message[33] = 0x03;
        message[2] = 0x12;
        message[3] = 0x34;
        message[34] = 0x12;
        message[35] = 0x34;
        message[62] = 0x80;
        PolynomialEncoder encoder = PolynomialEncoder.Create(message);

        byte[] chunk2 = encoder.ChunkAt(2).Data.ToArray();
        byte[] expected2 = new byte[32];
        expected2[1] = 0x05;
        expected2[2] = 0x12;
        expected2[3] = 0x34;
        expected2[30] = 0x10;
        expected2[31] = 0x0b;
        Assert.Equal(expected2, chunk2);

        byte[] chunk3 = encoder.ChunkAt(3).Data.ToArray();
        Assert.Equal(0x00, chunk3[0]);
        Assert.Equal(0x07, chunk3[1]);
        Assert.Equal(0x12, chunk3[2]);
        Assert.Equal(0x34, chunk3[3]);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Any_adequate_set_of_chunks_decodes(int length)
    {
        var rng = new Random(length);
        for (int round = 0; round < 5; round++)
        {
            byte[] message = RandomMessage(rng, length);
            PolynomialEncoder encoder = PolynomialEncoder.Create(message);
            int needed = ChunksNeeded(length);

            // Distinct random indices, some systematic and some far out, in random order.
            var indices = new HashSet<ushort>();
            while (indices.Count < needed)
            {
                indices.Add((ushort)(rng.Next(2) == 0 ? rng.Next(needed * 2 + 1) : rng.Next(65536)));
            }

            PolynomialDecoder decoder = PolynomialDecoder.Create(length);
            ushort[] order = indices.OrderBy(_ => rng.Next()).ToArray();
            for (int i = 0; i < order.Length; i++)
            {
                if (needed > 0)
                {
                    Assert.Null(decoder.DecodedMessage());
                    Assert.False(decoder.IsDecodable);
                }

                decoder.AddChunk(encoder.ChunkAt(order[i]));
                decoder.AddChunk(encoder.ChunkAt(order[i])); // a duplicate changes nothing
            }

            Assert.True(decoder.IsDecodable);
            Assert.Equal(message, decoder.DecodedMessage());
        }
    }

    [Property(MaxTest = 40)]
    public bool Random_subsets_with_duplicates_decode_once_enough_distinct_chunks_arrived(int seed, PositiveInt extra)
    {
        var rng = new Random(seed);
        int[] lengths = [96, 1152, 960, 160];
        int length = lengths[rng.Next(lengths.Length)];
        byte[] message = RandomMessage(rng, length);
        PolynomialEncoder encoder = PolynomialEncoder.Create(message);
        PolynomialDecoder decoder = PolynomialDecoder.Create(length);
        int needed = ChunksNeeded(length);
        int window = needed + (extra.Get % 40);
        var seen = new HashSet<ushort>();
        while (seen.Count < needed)
        {
            ushort index = (ushort)rng.Next(window);
            if (decoder.DecodedMessage() is not null)
            {
                return false; // decoded before enough distinct chunks
            }

            seen.Add(index);
            decoder.AddChunk(encoder.ChunkAt(index));
        }

        return decoder.DecodedMessage() is byte[] decoded && decoded.AsSpan().SequenceEqual(message);
    }

    [Fact]
    public void Next_chunk_counts_up_from_zero()
    {
        PolynomialEncoder encoder = PolynomialEncoder.Create(new byte[96]);
        Assert.Equal(0, encoder.NextChunk().Index);
        Assert.Equal(1, encoder.NextChunk().Index);
        Assert.Equal(2u, encoder.NextIndex);
    }

    [Fact]
    public void Hostile_lengths_and_indices_are_refused_without_crashing()
    {
        Assert.False(PolynomialEncoder.TryCreate(new byte[3], out _));
        Assert.False(PolynomialEncoder.TryCreate(new byte[PolynomialEncoder.MaxMessageLength + 2], out _));
        Assert.Throws<ArgumentException>(() => PolynomialEncoder.Create(new byte[1]));
        Assert.True(PolynomialEncoder.TryCreate(ReadOnlySpan<byte>.Empty, out _));

        Assert.False(PolynomialDecoder.TryCreate(-2, out _));
        Assert.False(PolynomialDecoder.TryCreate(11, out _));
        Assert.False(PolynomialDecoder.TryCreate(PolynomialEncoder.MaxMessageLength + 2, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => PolynomialDecoder.Create(1));

        Assert.Throws<ArgumentException>(() => new ErasureChunk(0, new byte[31]));
        Assert.Throws<ArgumentException>(() => new ErasureChunk(0, new byte[33]));
        Assert.Equal(32, default(ErasureChunk).Data.Length);

        byte[] message = RandomMessage(new Random(1), 96);
        PolynomialEncoder encoder = PolynomialEncoder.Create(message);
        PolynomialDecoder decoder = PolynomialDecoder.Create(96);
        Assert.False(decoder.TryAddChunk(-1, new byte[32]));
        Assert.False(decoder.TryAddChunk(65536, new byte[32]));
        Assert.False(decoder.TryAddChunk(int.MaxValue, new byte[32]));
        Assert.False(decoder.TryAddChunk(0, new byte[31]));
        Assert.False(decoder.TryAddChunk(0, ReadOnlySpan<byte>.Empty));
        Assert.False(decoder.TryAddChunk(0, new byte[64]));
        Assert.False(decoder.IsDecodable);

        // Refused chunks left no trace: three honest chunks still decode.
        for (ushort i = 5; i < 8; i++)
        {
            Assert.True(decoder.TryAddChunk(i, encoder.ChunkAt(i).Data));
        }

        Assert.Equal(message, decoder.DecodedMessage());
    }

    [Fact]
    public void Garbage_chunks_decode_to_some_message_of_the_right_length_or_nothing()
    {
        // The code has no integrity check (SPQR authenticates separately): garbage gives garbage, never a crash.
        var rng = new Random(3);
        PolynomialDecoder decoder = PolynomialDecoder.Create(1152);
        for (int i = 0; i < 36; i++)
        {
            Assert.Null(decoder.DecodedMessage());
            Assert.True(decoder.TryAddChunk(rng.Next(65536), RandomMessage(rng, 32)));
        }

        // A repeated index with different data is ignored, so 36 random indices may still have collided.
        byte[]? decoded = decoder.DecodedMessage();
        Assert.True(decoded is null || decoded.Length == 1152);
    }

    [Fact]
    public void A_conflicting_duplicate_index_keeps_the_first_data()
    {
        byte[] message = RandomMessage(new Random(9), 64);
        PolynomialEncoder encoder = PolynomialEncoder.Create(message);
        PolynomialDecoder decoder = PolynomialDecoder.Create(64);
        decoder.AddChunk(encoder.ChunkAt(4));
        Assert.True(decoder.TryAddChunk(4, new byte[32]));
        decoder.AddChunk(encoder.ChunkAt(9));
        Assert.Equal(message, decoder.DecodedMessage());
    }
}
