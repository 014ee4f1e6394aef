using E2EMessaging.Protocol.Messages;
using E2EMessaging.Protocol.Proto.Spqr;
using E2EMessaging.Protocol.Sessions;
using Google.Protobuf;
using Xunit;
using WireSignalMessage = E2EMessaging.Protocol.Proto.Wire.SignalMessage;

namespace E2EMessaging.Protocol.Tests.Sessions;

/// <summary>
/// The triple ratchet between two of our own parties: SPQR runs in every message, its state lives in the session
/// record, and nothing about it is committed unless the message authenticates.
/// </summary>
public sealed class TripleRatchetTests
{
    private static async Task<(Party Alice, Party Bob)> EstablishedAsync()
    {
        var alice = new Party("alice");
        var bob = new Party("bob");
        await alice.Cipher.ProcessPreKeyBundleAsync(bob.Address, await bob.BundleAsync());
        Assert.Equal("hi", await bob.DecryptAsync(alice, Party.OverTheWire(await alice.EncryptAsync(bob, "hi"))));
        return (alice, bob);
    }

    private static async Task<SpqrState> SpqrOfAsync(Party party, Party with)
    {
        SessionRecord record = (await party.Store.LoadSessionAsync(with.Address))!;
        return SpqrState.Parser.ParseFrom(record.Current!.PqRatchetState);
    }

    private static SignalMessage Inner(CiphertextMessage message) => message is PreKeySignalMessage p ? p.Message : (SignalMessage)message;

    [Fact]
    public async Task New_sessions_carry_spqr_state_on_both_sides_and_every_message_carries_a_braid_message()
    {
        (Party alice, Party bob) = await EstablishedAsync();
        SpqrState aliceState = await SpqrOfAsync(alice, bob);
        SpqrState bobState = await SpqrOfAsync(bob, alice);
        Assert.Equal(SpqrState.InnerOneofCase.V1, aliceState.InnerCase);
        Assert.Equal(SpqrState.InnerOneofCase.V1, bobState.InnerCase);
        Assert.Equal(SpqrDirection.AToB, aliceState.Negotiation?.Direction ?? aliceState.Chain.Direction);
        Assert.Null(bobState.Negotiation); // receiving ends the negotiation

        for (int i = 0; i < 5; i++)
        {
            CiphertextMessage message = await bob.EncryptAsync(alice, $"m{i}");
            Assert.False(Inner(message).PqRatchet.IsEmpty);
            Assert.Equal(1, Inner(message).PqRatchet[0]); // SPQR version 1
            Assert.Equal($"m{i}", await alice.DecryptAsync(bob, Party.OverTheWire(message)));
        }
    }

    [Fact]
    public async Task Long_turns_advance_epochs_and_both_sides_agree()
    {
        (Party alice, Party bob) = await EstablishedAsync();
        var random = new Random(17);
        for (int turn = 0; turn < 40; turn++)
        {
            (Party from, Party to) = turn % 2 == 0 ? (bob, alice) : (alice, bob);
            int run = random.Next(1, 80);
            for (int i = 0; i < run; i++)
            {
                Assert.Equal($"{turn}/{i}", await to.DecryptAsync(from, Party.OverTheWire(await from.EncryptAsync(to, $"{turn}/{i}"))));
            }
        }

        ulong aliceEpoch = (await SpqrOfAsync(alice, bob)).Chain.CurrentEpoch;
        ulong bobEpoch = (await SpqrOfAsync(bob, alice)).Chain.CurrentEpoch;
        Assert.True(aliceEpoch >= 3, $"alice's SPQR epoch is {aliceEpoch}");
        Assert.InRange((long)aliceEpoch - (long)bobEpoch, -1, 1);
    }

    [Fact]
    public async Task A_tampered_braid_message_is_refused_and_changes_nothing()
    {
        (Party alice, Party bob) = await EstablishedAsync();
        var random = new Random(5);
        for (int i = 0; i < 60; i++)
        {
            CiphertextMessage message = await bob.EncryptAsync(alice, $"m{i}");
            SignalMessage inner = Inner(message);
            byte[] wire = inner.Serialize();
            var proto = WireSignalMessage.Parser.ParseFrom(wire.AsSpan(1, wire.Length - 1 - 8));
            byte[] pq = proto.PqRatchet.ToByteArray();
            pq[random.Next(pq.Length)] ^= (byte)(1 << random.Next(8));
            proto.PqRatchet = ByteString.CopyFrom(pq);
            byte[] tampered = [wire[0], .. proto.ToByteArray(), .. wire.AsSpan(wire.Length - 8)];

            byte[] before = await alice.SessionBytesAsync(bob);
            var error = await Assert.ThrowsAsync<ProtocolException>(async () => await alice.Cipher.DecryptAsync(bob.Address, SignalMessage.Deserialize(tampered)));
            Assert.Equal(ProtocolErrorKind.InvalidMessage, error.Kind);
            Assert.Equal(before, await alice.SessionBytesAsync(bob));
            Assert.Equal($"m{i}", await alice.DecryptAsync(bob, Party.OverTheWire(message)));
        }
    }

    [Fact]
    public async Task A_message_without_spqr_is_refused_because_new_sessions_require_it()
    {
        (Party alice, Party bob) = await EstablishedAsync();
        CiphertextMessage message = await bob.EncryptAsync(alice, "x");
        byte[] wire = Inner(message).Serialize();
        var proto = WireSignalMessage.Parser.ParseFrom(wire.AsSpan(1, wire.Length - 1 - 8));
        proto.ClearPqRatchet();
        byte[] stripped = [wire[0], .. proto.ToByteArray(), .. wire.AsSpan(wire.Length - 8)];
        byte[] before = await alice.SessionBytesAsync(bob);
        var error = await Assert.ThrowsAsync<ProtocolException>(async () => await alice.Cipher.DecryptAsync(bob.Address, SignalMessage.Deserialize(stripped)));
        Assert.Equal(ProtocolErrorKind.InvalidMessage, error.Kind);
        Assert.Equal(before, await alice.SessionBytesAsync(bob));
    }

    [Fact]
    public async Task Records_survive_serialization_at_every_point_of_an_exchange()
    {
        (Party alice, Party bob) = await EstablishedAsync();
        var random = new Random(23);
        for (int turn = 0; turn < 30; turn++)
        {
            (Party from, Party to) = turn % 2 == 0 ? (bob, alice) : (alice, bob);
            int run = random.Next(1, 60);
            for (int i = 0; i < run; i++)
            {
                // Round-trip both records through bytes before every message: the stores already keep bytes, this
                // also proves the bytes are stable (serialize ∘ deserialize is the identity).
                foreach ((Party p, Party q) in new[] { (alice, bob), (bob, alice) })
                {
                    byte[] bytes = await p.SessionBytesAsync(q);
                    Assert.Equal(bytes, SessionRecord.Deserialize(bytes).Serialize());
                }

                Assert.Equal($"{turn}/{i}", await to.DecryptAsync(from, Party.OverTheWire(await from.EncryptAsync(to, $"{turn}/{i}"))));
            }
        }
    }

    [Fact]
    public async Task A_garbage_spqr_state_is_an_encoding_error_not_a_crash()
    {
        (Party alice, Party bob) = await EstablishedAsync();
        SessionRecord record = (await bob.Store.LoadSessionAsync(alice.Address))!;
        record.Current!.PqRatchetState = ByteString.CopyFrom(0xFF, 0xFF, 0xFF);
        await bob.Store.StoreSessionAsync(alice.Address, record);
        var error = await Assert.ThrowsAsync<ProtocolException>(async () => await bob.EncryptAsync(alice, "x"));
        Assert.Equal(ProtocolErrorKind.InvalidEncoding, error.Kind);
    }
}
