using System.Buffers.Binary;
using E2EMessaging.Protocol.Spqr;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Spqr;

/// <summary>
/// The order of kept keys is part of the stored <c>prev</c> bytes, so it must follow SPQR v1.5.3's KeyHistory:
/// append; remove by moving the last entry into the hole; trim in one pass that re-examines a filled hole.
/// </summary>
public sealed class SpqrKeptKeysTests
{
    private static SpqrKeptKeys With(params uint[] indexes)
    {
        var keys = new SpqrKeptKeys();
        foreach (uint index in indexes)
        {
            keys.Add(index, Key(index));
        }

        return keys;
    }

    private static byte[] Key(uint index) => Enumerable.Repeat((byte)index, SpqrChain.KeyLength).ToArray();

    private static uint[] Order(SpqrKeptKeys keys)
    {
        ReadOnlySpan<byte> bytes = keys.Serialized;
        var order = new uint[bytes.Length / SpqrKeptKeys.EntryLength];
        for (int i = 0; i < order.Length; i++)
        {
            ReadOnlySpan<byte> entry = bytes.Slice(i * SpqrKeptKeys.EntryLength, SpqrKeptKeys.EntryLength);
            order[i] = BinaryPrimitives.ReadUInt32BigEndian(entry);
            Assert.Equal(Key(order[i]), entry[SpqrKeptKeys.IndexLength..].ToArray());
        }

        return order;
    }

    [Fact]
    public void Entries_are_big_endian_index_then_key()
    {
        SpqrKeptKeys keys = With(0x01020304);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, keys.Serialized[..4].ToArray());
        Assert.Equal(36, keys.Serialized.Length);
    }

    [Fact]
    public void Taking_moves_the_last_entry_into_the_hole()
    {
        SpqrKeptKeys keys = With(1, 2, 3, 4);
        byte[] key = new byte[32];
        Assert.True(keys.TryTake(2, key));
        Assert.Equal(Key(2), key);
        Assert.Equal(new uint[] { 1, 4, 3 }, Order(keys));
        Assert.True(keys.TryTake(3, key));
        Assert.Equal(new uint[] { 1, 4 }, Order(keys));
        Assert.False(keys.TryTake(3, key));
    }

    [Fact]
    public void Trimming_is_one_pass_that_rechecks_filled_holes()
    {
        SpqrKeptKeys keys = With(1, 7, 2, 8, 3, 9);
        keys.RemoveBelow(4);

        // 1 is overwritten by 9; then 2 by 3, which is itself below 4 and is overwritten by 8.
        Assert.Equal(new uint[] { 9, 7, 8 }, Order(keys));
    }

    [Theory]
    [InlineData(35)]
    [InlineData(37)]
    public void Partial_entries_are_refused(int length)
    {
        Assert.False(SpqrKeptKeys.TryLoad(new byte[length], 100, 10, out _));
    }

    [Fact]
    public void Loading_checks_indexes_and_count()
    {
        byte[] three = With(1, 2, 3).Serialized.ToArray();
        Assert.True(SpqrKeptKeys.TryLoad(three, 4, 3, out SpqrKeptKeys? loaded));
        Assert.Equal(new uint[] { 1, 2, 3 }, Order(loaded!));
        Assert.False(SpqrKeptKeys.TryLoad(three, 3, 3, out _)); // index 3 is not below the counter
        Assert.False(SpqrKeptKeys.TryLoad(three, 4, 2, out _)); // more than the chain keeps
        Assert.False(SpqrKeptKeys.TryLoad(With(2, 2).Serialized, 4, 3, out _));
        Assert.False(SpqrKeptKeys.TryLoad(With(0).Serialized, 4, 3, out _));
        Assert.True(SpqrKeptKeys.TryLoad([], 0, 0, out _));
    }
}
