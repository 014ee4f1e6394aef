using E2EMessaging.Protocol.Messages;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Sessions;

/// <summary>The protocol's limits at their exact boundaries (libsignal's consts.rs values).</summary>
public sealed class LimitTests
{
    private static async Task<(Party Alice, Party Bob)> EstablishedAsync(TimeProvider? time = null)
    {
        var alice = new Party("alice", time: time);
        var bob = new Party("bob", time: time);
        await alice.Cipher.ProcessPreKeyBundleAsync(bob.Address, await bob.BundleAsync());
        Assert.Equal("start", await bob.DecryptAsync(alice, Party.OverTheWire(await alice.EncryptAsync(bob, "start"))));
        Assert.Equal("ack", await alice.DecryptAsync(bob, Party.OverTheWire(await bob.EncryptAsync(alice, "ack"))));
        return (alice, bob);
    }

    [Fact]
    public async Task With_spqr_a_message_after_24999_lost_decrypts_after_25000_it_does_not()
    {
        // libsignal 0.103's effective limit: SPQR's chain counts keys across Double Ratchet chains within an epoch
        // and allows a jump of 25,000, and "start" already used one of Alice's SPQR keys, so 24,999 lost messages are
        // the most a message can follow. Measured the same against libsignal (TripleRatchetInteropTests).
        (Party alice, Party bob) = await EstablishedAsync();
        var messages = new CiphertextMessage[25_001];
        for (int i = 0; i < messages.Length; i++)
        {
            messages[i] = await alice.EncryptAsync(bob, $"m{i}");
        }

        byte[] before = await bob.SessionBytesAsync(alice);
        var tooFar = await Assert.ThrowsAsync<ProtocolException>(() => bob.DecryptAsync(alice, Party.OverTheWire(messages[25_000])));
        Assert.Equal(ProtocolErrorKind.InvalidMessage, tooFar.Kind); // SPQR's refusal, reported as libsignal reports it
        Assert.Equal(before, await bob.SessionBytesAsync(alice));

        Assert.Equal("m24999", await bob.DecryptAsync(alice, Party.OverTheWire(messages[24_999])));

        // Of the 24,999 skipped keys, the newest 2,000 (22,999 … 24,998) are kept.
        Assert.Equal("m22999", await bob.DecryptAsync(alice, Party.OverTheWire(messages[22_999])));
        Assert.Equal("m24998", await bob.DecryptAsync(alice, Party.OverTheWire(messages[24_998])));
        var dropped = await Assert.ThrowsAsync<ProtocolException>(() => bob.DecryptAsync(alice, Party.OverTheWire(messages[22_998])));
        Assert.Equal(ProtocolErrorKind.DuplicateMessage, dropped.Kind);
        Assert.Equal("m25000", await bob.DecryptAsync(alice, Party.OverTheWire(messages[25_000])));
    }

    [Fact]
    public async Task Double_ratchet_alone_accepts_a_forward_jump_of_25000_not_25001_and_keeps_2000_skipped_keys()
    {
        (Party alice, Party bob) = await EstablishedAsync();
        await WithoutSpqrAsync(alice, bob);
        await WithoutSpqrAsync(bob, alice);

        // Alice's new chain starts at counter 0; Bob's receiving chain for it does not exist yet.
        var messages = new CiphertextMessage[25_002];
        for (int i = 0; i < messages.Length; i++)
        {
            messages[i] = await alice.EncryptAsync(bob, $"m{i}");
        }

        // Counter 25,001 from chain index 0 is a jump of 25,001: refused, state unchanged.
        byte[] before = await bob.SessionBytesAsync(alice);
        var tooFar = await Assert.ThrowsAsync<ProtocolException>(() => bob.DecryptAsync(alice, Party.OverTheWire(messages[25_001])));
        Assert.Equal(ProtocolErrorKind.MessageTooFarAhead, tooFar.Kind);
        Assert.Equal(before, await bob.SessionBytesAsync(alice));

        // Counter 25,000 is a jump of exactly 25,000: accepted.
        Assert.Equal("m25000", await bob.DecryptAsync(alice, Party.OverTheWire(messages[25_000])));

        // Of the 25,000 skipped keys, the newest 2,000 (23,000 … 24,999) are kept.
        Assert.Equal("m23000", await bob.DecryptAsync(alice, Party.OverTheWire(messages[23_000])));
        Assert.Equal("m24999", await bob.DecryptAsync(alice, Party.OverTheWire(messages[24_999])));
        var dropped = await Assert.ThrowsAsync<ProtocolException>(() => bob.DecryptAsync(alice, Party.OverTheWire(messages[22_999])));
        Assert.Equal(ProtocolErrorKind.DuplicateMessage, dropped.Kind);
        Assert.Equal("m25001", await bob.DecryptAsync(alice, Party.OverTheWire(messages[25_001])));
    }

    /// <summary>Removes SPQR from a session (as a session created before SPQR existed): the Double Ratchet alone.</summary>
    private static async Task WithoutSpqrAsync(Party party, Party with)
    {
        var record = (await party.Store.LoadSessionAsync(with.Address))!;
        record.Current!.PqRatchetState = Google.Protobuf.ByteString.Empty;
        await party.Store.StoreSessionAsync(with.Address, record);
    }

    [Fact]
    public async Task Five_receiving_chains_are_kept()
    {
        (Party alice, Party bob) = await EstablishedAsync();
        var held = new List<CiphertextMessage>();
        for (int chain = 0; chain < 6; chain++)
        {
            // One message on Alice's current chain is held back; another goes through, and Bob's reply makes Alice ratchet.
            held.Add(await alice.EncryptAsync(bob, $"held {chain}"));
            Assert.Equal($"go {chain}", await bob.DecryptAsync(alice, Party.OverTheWire(await alice.EncryptAsync(bob, $"go {chain}"))));
            Assert.Equal($"reply {chain}", await alice.DecryptAsync(bob, Party.OverTheWire(await bob.EncryptAsync(alice, $"reply {chain}"))));
        }

        // Bob has seen 7 of Alice's chains: A0 (session setup) and A1 … A6, where held[i] is on A(i+1).
        // The 5 newest, A2 … A6, remain; A1 and with it held[0] is forgotten.
        byte[] before = await bob.SessionBytesAsync(alice);
        var forgotten = await Assert.ThrowsAsync<ProtocolException>(() => bob.DecryptAsync(alice, Party.OverTheWire(held[0])));
        Assert.Equal(ProtocolErrorKind.InvalidMessage, forgotten.Kind);
        Assert.Equal(before, await bob.SessionBytesAsync(alice));
        for (int chain = 1; chain < 6; chain++)
        {
            Assert.Equal($"held {chain}", await bob.DecryptAsync(alice, Party.OverTheWire(held[chain])));
        }
    }

    [Fact]
    public async Task Forty_archived_states_are_kept()
    {
        var alice = new Party("alice");
        var bob = new Party("bob");
        var held = new List<CiphertextMessage>();
        for (int session = 0; session < 42; session++)
        {
            await alice.Cipher.ProcessPreKeyBundleAsync(bob.Address, await bob.BundleAsync(withOneTimePreKey: false));
            Assert.Equal($"start {session}", await bob.DecryptAsync(alice, Party.OverTheWire(await alice.EncryptAsync(bob, $"start {session}"))));
            Assert.Equal("ack", await alice.DecryptAsync(bob, Party.OverTheWire(await bob.EncryptAsync(alice, "ack"))));
            held.Add(await alice.EncryptAsync(bob, $"late {session}"));
        }

        // Bob holds the current state (session 41) and 40 archived ones (40 … 1); session 0 is gone.
        byte[] before = await bob.SessionBytesAsync(alice);
        var gone = await Assert.ThrowsAsync<ProtocolException>(() => bob.DecryptAsync(alice, Party.OverTheWire(held[0])));
        Assert.Equal(ProtocolErrorKind.InvalidMessage, gone.Kind);
        Assert.Equal(before, await bob.SessionBytesAsync(alice));
        Assert.Equal("late 1", await bob.DecryptAsync(alice, Party.OverTheWire(held[1])));
        Assert.Equal("late 41", await bob.DecryptAsync(alice, Party.OverTheWire(held[41])));
    }

    [Fact]
    public async Task An_unanswered_session_is_usable_for_30_days()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));
        var alice = new Party("alice", time: time);
        var bob = new Party("bob", time: time);
        await alice.Cipher.ProcessPreKeyBundleAsync(bob.Address, await bob.BundleAsync());

        time.Advance(TimeSpan.FromDays(30));
        CiphertextMessage stillFine = await alice.EncryptAsync(bob, "day 30");
        Assert.Equal(CiphertextMessageType.PreKey, stillFine.Type);

        time.Advance(TimeSpan.FromSeconds(1));
        var stale = await Assert.ThrowsAsync<ProtocolException>(() => alice.EncryptAsync(bob, "day 30 and a second"));
        Assert.Equal(ProtocolErrorKind.NoSession, stale.Kind);

        // An answered session has no such limit.
        (Party carol, Party dave) = await EstablishedAsync(time);
        time.Advance(TimeSpan.FromDays(365));
        Assert.Equal("a year later", await dave.DecryptAsync(carol, Party.OverTheWire(await carol.EncryptAsync(dave, "a year later"))));
    }

    private sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
