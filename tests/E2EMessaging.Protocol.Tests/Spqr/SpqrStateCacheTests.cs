using E2EMessaging.Protocol.Proto.Spqr;
using E2EMessaging.Protocol.Spqr;
using Google.Protobuf;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Spqr;

/// <summary>
/// The decoded-state cache changes nothing but speed: with the same randomness, a conversation run with caches and
/// one run without produce the same states, messages and keys at every step, including through stale states,
/// failed messages and epochs.
/// </summary>
public sealed class SpqrStateCacheTests
{
    private static readonly byte[] AuthKey = [.. Enumerable.Range(7, 32).Select(i => (byte)i)];

    [Fact]
    public void Cached_and_uncached_runs_are_identical_step_for_step()
    {
        var cacheA = new SpqrStateCache().For(new ProtocolAddress("b", 1));
        var cacheB = new SpqrStateCache().For(new ProtocolAddress("a", 1));
        ByteString a1 = SpqrRatchet.InitialState(AuthKey, SpqrDirection.AToB, false), a2 = a1;
        ByteString b1 = SpqrRatchet.InitialState(AuthKey, SpqrDirection.BToA, false), b2 = b1;
        var random1 = new FixedRandom(3);
        var random2 = new FixedRandom(3);
        var schedule = new Random(11);
        byte[] k1 = new byte[32], k2 = new byte[32], r1 = new byte[32], r2 = new byte[32];
        for (int i = 0; i < 700; i++)
        {
            bool fromA = (i / 45) % 2 == 0;
            ref ByteString s1 = ref fromA ? ref a1 : ref b1;
            ref ByteString s2 = ref fromA ? ref a2 : ref b2;
            ref ByteString t1 = ref fromA ? ref b1 : ref a1;
            ref ByteString t2 = ref fromA ? ref b2 : ref a2;
            SpqrStateCache.Slot sendCache = fromA ? cacheA : cacheB;
            SpqrStateCache.Slot receiveCache = fromA ? cacheB : cacheA;

            ByteString before = s1;
            s1 = SpqrRatchet.Send(s1, random1, k1, out int l1, out ByteString m1, sendCache);
            s2 = SpqrRatchet.Send(s2, random2, k2, out int l2, out ByteString m2);
            Assert.Equal(s2, s1);
            Assert.Equal(m2, m1);
            Assert.Equal(k2[..l2], k1[..l1]);

            // Now and then the caller goes back to an older state (a store that lost a write): the cache must miss.
            if (schedule.Next(10) == 0)
            {
                _ = SpqrRatchet.Send(before, new FixedRandom(99), new byte[32], out _, out _, sendCache);
            }

            // Now and then a message that will fail its MAC is received first: its uncommitted state is cached, harmlessly.
            if (schedule.Next(10) == 0)
            {
                _ = SpqrRatchet.Receive(t1, m1, new byte[32], out _, receiveCache);
            }

            t1 = SpqrRatchet.Receive(t1, m1, r1, out int q1, receiveCache);
            t2 = SpqrRatchet.Receive(t2, m2, r2, out int q2);
            Assert.Equal(t2, t1);
            Assert.Equal(r2[..q2], r1[..q1]);
            Assert.Equal(k1[..l1], r1[..q1]);
        }

        Assert.True(SpqrState.Parser.ParseFrom(a1).Chain.CurrentEpoch >= 2);
    }

    [Fact]
    public void A_slot_hands_out_copies_of_the_chain()
    {
        var slot = new SpqrStateCache().For(new ProtocolAddress("b", 1));
        ByteString a = SpqrRatchet.InitialState(AuthKey, SpqrDirection.AToB, false);
        byte[] first = new byte[32], again = new byte[32];
        ByteString next = SpqrRatchet.Send(a, new FixedRandom(1), first, out _, out _, slot);

        // Two sends from the same state through the cache give the same key: the first did not consume the cached chain.
        _ = SpqrRatchet.Send(next, new FixedRandom(2), first, out _, out _, slot);
        _ = SpqrRatchet.Send(next, new FixedRandom(2), again, out _, out _, slot);
        Assert.Equal(first, again);
    }
}
