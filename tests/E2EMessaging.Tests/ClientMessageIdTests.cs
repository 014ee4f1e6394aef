using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using E2EMessaging.Wire;

namespace E2EMessaging.Tests;

public sealed class ClientMessageIdTests
{
    [Fact]
    public void Generated_ids_are_uuid_v7_with_the_clock_time()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123));
        var generator = new ClientMessageIdGenerator(time, new TestRandom(1));
        ClientMessageId id = generator.Next();
        byte[] bytes = id.ToByteArray();

        Assert.Equal(16, bytes.Length);
        Assert.Equal(0x70, bytes[6] & 0xF0); // version 7 (RFC 9562 §5.7)
        Assert.Equal(0x80, bytes[8] & 0xC0); // variant 10
        Assert.Equal(1_700_000_000_123, id.Timestamp.ToUnixTimeMilliseconds());
        Assert.Equal(id, ClientMessageId.FromBytes(bytes));
        Assert.Equal(id.Value.ToString(), id.ToString());
    }

    [Fact]
    public void Ids_strictly_increase_when_the_clock_stands_still_or_steps_back()
    {
        var time = new ManualClock(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        var generator = new ClientMessageIdGenerator(time, new TestRandom(2));
        ClientMessageId previous = generator.Next();
        for (int i = 0; i < 10_000; i++)
        {
            if (i == 5000)
            {
                time.SetUtcNow(time.GetUtcNow().AddSeconds(-30));
            }

            ClientMessageId next = generator.Next();
            Assert.True(next > previous);
            previous = next;
        }
    }

    [Property(MaxTest = 200)]
    public bool Ids_increase_under_any_clock_schedule(short[] steps)
    {
        var time = new ManualClock(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        var generator = new ClientMessageIdGenerator(time, new TestRandom(steps.Length));
        ClientMessageId previous = generator.Next();
        foreach (short step in steps)
        {
            time.SetUtcNow(time.GetUtcNow().AddMilliseconds(step));
            ClientMessageId next = generator.Next();
            if (next <= previous)
            {
                return false;
            }

            previous = next;
        }

        return true;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(17)]
    public void Wrong_lengths_are_refused(int length)
    {
        MessagingException e = Assert.Throws<MessagingException>(() => ClientMessageId.FromBytes(new byte[length]));
        Assert.Equal(MessagingErrorKind.InvalidEncoding, e.Kind);
    }

    [Fact]
    public void Non_v7_uuids_are_refused()
    {
        byte[] v4 = Guid.NewGuid().ToByteArray(bigEndian: true);
        Assert.False(ClientMessageId.TryFromBytes(v4, out _));
        Assert.False(ClientMessageId.TryFromBytes(new byte[16], out _));
    }

    [Fact]
    public void Concurrent_generation_yields_distinct_ids()
    {
        var generator = new ClientMessageIdGenerator();
        var ids = new System.Collections.Concurrent.ConcurrentBag<ClientMessageId>();
        Parallel.For(0, 20_000, _ => ids.Add(generator.Next()));
        Assert.Equal(20_000, ids.Distinct().Count());
    }
}
