using System.Text;
using System.Text.Json;
using E2EMessaging.Interop.Tests.NodeHost;
using E2EMessaging.Protocol;
using E2EMessaging.Protocol.Messages;
using E2EMessaging.Protocol.Proto.Spqr;
using E2EMessaging.Protocol.Proto.Storage;
using E2EMessaging.Protocol.Spqr;
using Google.Protobuf;
using Xunit;

namespace E2EMessaging.Interop.Tests;

/// <summary>
/// The ML-KEM Braid against libsignal 0.103's (SPQR v1.5.3), live: two libsignal parties converse, and every braid
/// step they take is replayed here from the state libsignal stored before it. Our braid must read each stored
/// state and write it back byte for byte, parse and re-serialize each braid message libsignal sent, reach on
/// receipt exactly the state libsignal reached, and on sending produce exactly libsignal's message and state —
/// for every step but key generation, whose randomness cannot be recovered (encapsulation's can: libcrux keeps m
/// in the encapsulation state).
/// </summary>
[Collection(LibsignalCollection.Name)]
public sealed class SpqrBraidInteropTests(NodePeerFixture fixture)
{
    private NodePeer Peer => fixture.Peer;

    [Fact]
    public async Task Libsignal_braid_steps_replay_here_with_the_same_states_and_messages()
    {
        string alice = $"alice-{Guid.NewGuid():N}";
        string bob = $"bob-{Guid.NewGuid():N}";
        await Peer.CallAsync("partyCreate", new { name = alice, deviceId = 1, registrationId = 1111 });
        await Peer.CallAsync("partyCreate", new { name = bob, deviceId = 2, registrationId = 2222 });
        JsonElement bundle = await Peer.CallAsync("partyBundle", new { name = bob, withOneTimePreKey = true });
        await Peer.CallAsync("partyProcessBundle", PeerBundles.WithBundle(bundle, alice, bob, 2));

        int replayedSends = 0, checkedRandomSends = 0, replayedReceives = 0, replayedEncapsulations = 0;
        ulong furthestEpoch = 0;
        for (int i = 0; i < 240; i++)
        {
            bool fromAlice = i % 2 == 0;
            (string from, int fromDevice, string to, int toDevice) = fromAlice ? (alice, 1, bob, 2) : (bob, 2, alice, 1);

            BraidState? senderBefore = await BraidStateOf(from, to, toDevice);
            JsonElement sent = await Peer.CallAsync("partyEncrypt", new { name = from, remoteName = to, remoteDeviceId = toDevice, plaintext = Encoding.UTF8.GetBytes($"m{i}") });
            int type = sent.GetInt32("type");
            byte[] wire = sent.GetBytes("serialized");
            SignalMessage inner = type == 3 ? PreKeySignalMessage.Deserialize(wire).Message : SignalMessage.Deserialize(wire);
            byte[] braidWire = inner.PqRatchet.ToByteArray();
            BraidState? senderAfter = await BraidStateOf(from, to, toDevice);
            Assert.NotNull(senderAfter);

            BraidMessage message = BraidMessage.Deserialize(braidWire, out uint index);
            Assert.Equal(braidWire, message.Serialize(index));

            if (senderBefore is not null)
            {
                Braid braid = Braid.FromProto(senderBefore);
                Assert.Equal(senderBefore.ToByteArray(), braid.ToProto().ToByteArray());
                // Key generation hashes its 64 random bytes, so libsignal's cannot be recovered and only the shape
                // of that step can agree. Encapsulation's 32 random bytes (m) are the last 32 bytes of the
                // encapsulation state libsignal stored, so that step is replayed with the same randomness.
                bool generatesKeys = senderBefore.StateCase == BraidState.StateOneofCase.KeysUnsampled;
                IRandomSource random = senderBefore.StateCase == BraidState.StateOneofCase.HeaderReceived
                    ? new ReplayedBytes(senderAfter.Ct1Sampled.Uc.Es.Span[^32..].ToArray())
                    : generatesKeys ? SystemRandomSource.Instance : new NoRandomness();
                BraidSendResult ours = braid.Send(random);
                if (generatesKeys)
                {
                    Assert.Equal(senderAfter.StateCase, ours.Next.ToProto().StateCase);
                    Assert.Equal(message.Kind, ours.Message.Kind);
                    Assert.Equal(message.Epoch, ours.Message.Epoch);
                    checkedRandomSends++;
                }
                else
                {
                    replayedEncapsulations += random is ReplayedBytes ? 1 : 0;
                    Assert.Equal(braidWire, ours.Message.Serialize(index));
                    Assert.Equal(senderAfter.ToByteArray(), ours.Next.ToProto().ToByteArray());
                    replayedSends++;
                }
            }

            BraidState? receiverBefore = await BraidStateOf(to, from, fromDevice);
            await Peer.CallAsync("partyDecrypt", new { name = to, remoteName = from, remoteDeviceId = fromDevice, type, serialized = wire });
            BraidState? receiverAfter = await BraidStateOf(to, from, fromDevice);
            Assert.NotNull(receiverAfter);
            if (receiverBefore is not null)
            {
                BraidReceiveResult ours = Braid.FromProto(receiverBefore).Receive(message);
                Assert.Equal(receiverAfter.ToByteArray(), ours.Next.ToProto().ToByteArray());
                furthestEpoch = Math.Max(furthestEpoch, ours.Next.Epoch);
                replayedReceives++;
            }
        }

        // Enough traffic for several epochs, so both roles and all states were replayed on both sides.
        Assert.True(furthestEpoch >= 3, $"only reached epoch {furthestEpoch}");
        Assert.True(replayedSends > 150 && replayedReceives > 200 && checkedRandomSends >= 2 && replayedEncapsulations >= 2, $"{replayedSends} / {replayedReceives} / {checkedRandomSends} / {replayedEncapsulations}");
    }

    // The braid state (SpqrState.v1) inside the party's current session with the remote address, or null.
    private async Task<BraidState?> BraidStateOf(string name, string remoteName, int remoteDeviceId)
    {
        JsonElement record = await Peer.CallAsync("partySessionRecord", new { name, remoteName, remoteDeviceId });
        if (record.GetProperty("serialized").ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        RecordStructure structure = RecordStructure.Parser.ParseFrom(record.GetBytes("serialized"));
        ByteString bytes = structure.CurrentSession?.PqRatchetState ?? ByteString.Empty;
        SpqrState state = SpqrState.Parser.ParseFrom(bytes);
        return state.InnerCase == SpqrState.InnerOneofCase.V1 ? state.V1 : null;
    }

    // Hands out the given bytes once, in one request of exactly that size.
    private sealed class ReplayedBytes(byte[] bytes) : IRandomSource
    {
        private bool _used;

        public void Fill(Span<byte> destination)
        {
            Assert.False(_used);
            Assert.Equal(bytes.Length, destination.Length);
            bytes.CopyTo(destination);
            _used = true;
        }
    }

    // A step that needs no randomness must not ask for any.
    private sealed class NoRandomness : IRandomSource
    {
        public void Fill(Span<byte> destination) => throw new InvalidOperationException("This braid step should not need randomness.");
    }
}
