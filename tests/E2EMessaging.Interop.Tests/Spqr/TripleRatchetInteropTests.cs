using E2EMessaging.Interop.Tests.NodeHost;
using E2EMessaging.Protocol;
using E2EMessaging.Protocol.Proto.Spqr;
using Xunit;

namespace E2EMessaging.Interop.Tests.Spqr;

/// <summary>
/// Whole 1:1 conversations with libsignal 0.103, which requires SPQR in every session: PQXDH, the Double Ratchet
/// and SPQR together (the triple ratchet), in both directions, in order and out of order, with losses, duplicates,
/// tampering, persistence and identity changes.
/// </summary>
[Collection(LibsignalCollection.Name)]
public sealed class TripleRatchetInteropTests(NodePeerFixture fixture)
{
    private NodePeer Peer => fixture.Peer;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task We_initiate_from_a_libsignal_bundle_and_libsignal_decrypts(bool withOneTimePreKey)
    {
        using Conversation c = await Conversation.WeInitiateAsync(Peer, withOneTimePreKey);
        List<WireMessage> first = await c.WeSendAsync(3);
        Assert.All(first, m => Assert.Equal(3, m.Type)); // PreKey messages until libsignal answers
        await c.TheyReceiveAllAsync(first);

        List<WireMessage> reply = await c.TheySendAsync(2);
        Assert.All(reply, m => Assert.Equal(2, m.Type));
        await c.WeReceiveAllAsync(reply);

        List<WireMessage> next = await c.WeSendAsync(2);
        Assert.All(next, m => Assert.Equal(2, m.Type)); // acknowledged: plain Whisper messages from now on
        await c.TheyReceiveAllAsync(next);
        Assert.Equal(SpqrState.InnerOneofCase.V1, (await c.OurSpqrStateAsync()).InnerCase);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Libsignal_initiates_from_our_bundle_and_we_decrypt(bool withOneTimePreKey)
    {
        using Conversation c = await Conversation.TheyInitiateAsync(Peer, withOneTimePreKey);
        List<WireMessage> first = await c.TheySendAsync(3);
        Assert.All(first, m => Assert.Equal(3, m.Type));
        await c.WeReceiveAllAsync(first);

        List<WireMessage> reply = await c.WeSendAsync(2);
        Assert.All(reply, m => Assert.Equal(2, m.Type));
        await c.TheyReceiveAllAsync(reply);
        await c.WeReceiveAllAsync(await c.TheySendAsync(2));
    }

    [Fact]
    public async Task Ten_thousand_messages_with_random_switches_of_direction_advance_spqr_epochs()
    {
        using Conversation c = await Conversation.WeInitiateAsync(Peer);
        var random = new Random(4_2026);
        int total = 0;
        bool ours = true;
        ulong lastEpoch = 0;
        int epochAdvances = 0;
        while (total < 10_000)
        {
            // Mostly short turns, sometimes long runs in one direction: the braid moves on only when one side
            // keeps sending long enough for a whole key or ciphertext to cross in chunks.
            int run = random.Next(10) switch
            {
                < 6 => random.Next(1, 6),
                < 9 => random.Next(6, 60),
                _ => random.Next(60, 400),
            };
            run = Math.Min(run, 10_000 - total);
            if (ours)
            {
                await c.TheyReceiveAllAsync(await c.WeSendAsync(run));
            }
            else
            {
                await c.WeReceiveAllAsync(await c.TheySendAsync(run));
            }

            total += run;
            ours = !ours;
            ulong epoch = (await c.OurSpqrStateAsync()).Chain?.CurrentEpoch ?? 0;
            if (epoch > lastEpoch)
            {
                epochAdvances++;
                lastEpoch = epoch;
            }
        }

        Assert.True(epochAdvances >= 10, $"SPQR advanced only {epochAdvances} times in 10,000 messages (epoch {lastEpoch}).");
    }

    [Fact]
    public async Task Out_of_order_delivery_and_drops_within_the_windows_in_both_directions()
    {
        using Conversation c = await Conversation.WeInitiateAsync(Peer);
        await c.TheyReceiveAllAsync(await c.WeSendAsync(1));
        var random = new Random(7);
        for (int round = 0; round < 6; round++)
        {
            List<WireMessage> theirs = await c.TheySendAsync(150);
            List<WireMessage> keptTheirs = theirs.Where(_ => random.Next(5) != 0).OrderBy(_ => random.Next()).ToList();
            await c.WeReceiveAllAsync(keptTheirs);

            List<WireMessage> ours = await c.WeSendAsync(150);
            List<WireMessage> keptOurs = ours.Where(_ => random.Next(5) != 0).OrderBy(_ => random.Next()).ToList();
            await c.TheyReceiveAllAsync(keptOurs);
        }

        Assert.True((await c.OurSpqrStateAsync()).Chain.CurrentEpoch > 0);
    }

    [Fact]
    public async Task A_message_after_two_thousand_lost_decrypts_on_both_sides()
    {
        using Conversation c = await Conversation.WeInitiateAsync(Peer);
        await c.TheyReceiveAllAsync(await c.WeSendAsync(1));

        await c.WeReceiveAllAsync(await c.TheySendAsync(2_001, lost: 2_000));
        List<WireMessage> ours = await c.WeSendAsync(2_001);
        await c.TheyReceiveAllAsync([ours[^1]]);

        // Late arrivals from inside the window still decrypt afterwards.
        await c.TheyReceiveAllAsync([ours[5], ours[1_999]]);
        await c.TheyReceiveAllAsync(await c.WeSendAsync(3));
        await c.WeReceiveAllAsync(await c.TheySendAsync(3));
    }

    [Theory]
    [InlineData(24_999, true)]
    [InlineData(25_000, false)]
    public async Task Libsignal_skip_limit_holds_here_too(int lost, bool accepted)
    {
        // Measured on libsignal 0.103: a message after 24,999 lost ones decrypts, after 25,000 it does not.
        using Conversation c = await Conversation.WeInitiateAsync(Peer);
        await c.TheyReceiveAllAsync(await c.WeSendAsync(1));
        WireMessage late = (await c.TheySendAsync(lost + 1, lost))[0];
        ProtocolErrorKind? kind = await c.TryWeReceiveAsync(late);
        if (accepted)
        {
            Assert.Null(kind);
        }
        else
        {
            Assert.NotNull(kind);

            // The refusal changed nothing: the conversation goes on.
            await c.TheyReceiveAllAsync(await c.WeSendAsync(1));
        }
    }

    [Theory]
    [InlineData(24_999, true)]
    [InlineData(25_000, false)]
    public async Task Our_messages_after_a_long_loss_meet_the_same_limit_in_libsignal(int lost, bool accepted)
    {
        using Conversation c = await Conversation.WeInitiateAsync(Peer);
        await c.TheyReceiveAllAsync(await c.WeSendAsync(1));
        await c.WeReceiveAllAsync(await c.TheySendAsync(1));
        List<WireMessage> ours = await c.WeSendAsync(lost + 1);
        var result = await c.DeliverToThemAsync([ours[^1]]);
        Assert.Equal(accepted, result[0].Ok);
    }

    [Fact]
    public async Task Duplicates_are_rejected_by_both_sides_and_the_conversation_continues()
    {
        using Conversation c = await Conversation.WeInitiateAsync(Peer);
        List<WireMessage> ours = await c.WeSendAsync(3);
        await c.TheyReceiveAllAsync(ours);
        var again = await c.DeliverToThemAsync([ours[1]]);
        Assert.False(again[0].Ok);
        Assert.StartsWith("DuplicatedMessage", again[0].Value, StringComparison.Ordinal);

        List<WireMessage> theirs = await c.TheySendAsync(3);
        await c.WeReceiveAllAsync(theirs);
        Assert.Equal(ProtocolErrorKind.DuplicateMessage, await c.TryWeReceiveAsync(theirs[1]));

        await c.TheyReceiveAllAsync(await c.WeSendAsync(2));
        await c.WeReceiveAllAsync(await c.TheySendAsync(2));
    }

    [Fact]
    public async Task Single_bit_tampering_is_rejected_by_both_sides_and_the_conversation_continues()
    {
        using Conversation c = await Conversation.WeInitiateAsync(Peer);
        await c.TheyReceiveAllAsync(await c.WeSendAsync(1));
        await c.WeReceiveAllAsync(await c.TheySendAsync(1));
        var random = new Random(11);
        for (int i = 0; i < 40; i++)
        {
            // Long enough runs that SPQR chunks of several kinds are among the tampered messages.
            WireMessage ours = (await c.WeSendAsync(1 + random.Next(40)))[^1];
            var flipped = ours with { Bytes = Flip(ours.Bytes, random) };
            var refused = await c.DeliverToThemAsync([flipped]);
            Assert.False(refused[0].Ok, $"libsignal accepted a tampered message (round {i}).");
            await c.TheyReceiveAllAsync([ours]);

            WireMessage theirs = (await c.TheySendAsync(1 + random.Next(40)))[^1];
            var tampered = theirs with { Bytes = Flip(theirs.Bytes, random) };
            ProtocolErrorKind? kind = await TryReceiveTamperedAsync(c, tampered);
            Assert.NotNull(kind);
            await c.WeReceiveAllAsync([theirs]);
        }
    }

    [Fact]
    public async Task Our_session_survives_a_reload_at_every_point_of_an_exchange()
    {
        using Conversation c = await Conversation.WeInitiateAsync(Peer);
        var random = new Random(3);
        bool ours = true;
        for (int turn = 0; turn < 40; turn++)
        {
            int run = 1 + random.Next(turn % 5 == 4 ? 80 : 4);
            for (int i = 0; i < run; i++)
            {
                if (ours)
                {
                    await c.TheyReceiveAllAsync(await c.WeSendAsync(1));
                }
                else
                {
                    await c.WeReceiveAllAsync(await c.TheySendAsync(1));
                }

                // A new process state after every single message: only the persisted record survives.
                await c.ReloadUsAsync();
            }

            ours = !ours;
        }

        Assert.True((await c.OurSpqrStateAsync()).Chain.CurrentEpoch > 0);
    }

    [Fact]
    public async Task A_changed_identity_of_libsignal_is_detected_here()
    {
        using Conversation c = await Conversation.TheyInitiateAsync(Peer);
        await c.WeReceiveAllAsync(await c.TheySendAsync(1));
        await c.TheyReceiveAllAsync(await c.WeSendAsync(1));

        // libsignal's device is reinstalled with a new identity and starts over from our bundle.
        await Peer.CallAsync("partyResetIdentity", new { name = c.Them });
        await Peer.CallAsync("partyProcessBundle", await c.Us.BundleArgsAsync(c.Them, withOneTimePreKey: true));
        WireMessage fromNewIdentity = (await c.TheySendAsync(1))[0];
        Assert.Equal(ProtocolErrorKind.UntrustedIdentity, await c.TryWeReceiveAsync(fromNewIdentity));

        // Starting a session to the new bundle is refused as well until the host trusts the new key.
        var bundle = await Peer.CallAsync("partyBundle", new { name = c.Them, withOneTimePreKey = true });
        var error = await Assert.ThrowsAsync<ProtocolException>(async () => await c.Us.Cipher.ProcessPreKeyBundleAsync(c.TheirAddress, PeerBundles.ToBundle(bundle)));
        Assert.Equal(ProtocolErrorKind.UntrustedIdentity, error.Kind);
    }

    [Fact]
    public async Task Our_changed_identity_is_detected_by_libsignal()
    {
        using Conversation c = await Conversation.WeInitiateAsync(Peer);
        await c.TheyReceiveAllAsync(await c.WeSendAsync(1));

        // Our device is reinstalled: same address, new identity, new session from libsignal's bundle.
        using var reinstalled = new OurDevice(c.Us.Address.Name, c.Us.Address.DeviceId, 1111);
        var bundle = await Peer.CallAsync("partyBundle", new { name = c.Them, withOneTimePreKey = true });
        await reinstalled.Cipher.ProcessPreKeyBundleAsync(c.TheirAddress, PeerBundles.ToBundle(bundle));
        var message = await reinstalled.EncryptAsync(c.TheirAddress, "from a new identity");
        var refused = await c.DeliverToThemAsync([new WireMessage((int)message.Type, message.Serialize(), "from a new identity")]);
        Assert.False(refused[0].Ok);
        Assert.StartsWith("UntrustedIdentity", refused[0].Value, StringComparison.Ordinal);
    }

    private static async Task<ProtocolErrorKind?> TryReceiveTamperedAsync(Conversation c, WireMessage tampered)
    {
        try
        {
            return await c.TryWeReceiveAsync(tampered);
        }
        catch (ArgumentOutOfRangeException)
        {
            // The flip hit the type byte of the envelope we carry ourselves; not a protocol input.
            return ProtocolErrorKind.InvalidMessage;
        }
    }

    private static byte[] Flip(byte[] bytes, Random random)
    {
        byte[] copy = (byte[])bytes.Clone();
        int bit = random.Next(copy.Length * 8);
        copy[bit / 8] ^= (byte)(1 << (bit % 8));
        return copy;
    }
}
