using System.Text;
using System.Text.Json;
using E2EMessaging.Interop.Tests.NodeHost;
using E2EMessaging.Protocol;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.PreKeys;
using E2EMessaging.Protocol.Sessions;
using E2EMessaging.Protocol.Storage;
using Xunit;

namespace E2EMessaging.Interop.Tests;

/// <summary>Session records are libsignal's storage format in both directions: each library reads the other's and writes it back byte for byte.</summary>
[Collection(LibsignalCollection.Name)]
public sealed class SessionRecordInteropTests(NodePeerFixture fixture)
{
    private NodePeer Peer => fixture.Peer;

    [Fact]
    public async Task Our_session_records_read_in_libsignal_and_write_back_identically()
    {
        string bob = $"bob-{Guid.NewGuid():N}";
        await Peer.CallAsync("partyCreate", new { name = bob, deviceId = 5, registrationId = 5555 });
        var bobAddress = new ProtocolAddress(bob, 5);
        using IdentityKeyPair identity = IdentityKeyPair.Generate();
        using var store = new InMemoryProtocolStore(identity, 4321);
        var cipher = new SessionCipher(new ProtocolAddress("alice", 1), store, store, store, store, store);

        // Several sessions with the same peer, so the record also holds archived states, and messages so the chains move.
        for (int session = 0; session < 3; session++)
        {
            JsonElement bundle = await Peer.CallAsync("partyBundle", new { name = bob, withOneTimePreKey = session % 2 == 0 });
            await cipher.ProcessPreKeyBundleAsync(bobAddress, PeerBundles.ToBundle(bundle));
            for (int m = 0; m <= session; m++)
            {
                await cipher.EncryptAsync(bobAddress, Encoding.UTF8.GetBytes($"m{m}"));
            }

            byte[] ours = (await store.LoadSessionAsync(bobAddress))!.Serialize();
            JsonElement theirs = await Peer.CallAsync("sessionRecordDeserialize", new { serialized = ours });
            // libsignal 0.103 counts a current state as usable only when it carries SPQR state; ours do.
            Assert.True(theirs.GetProperty("hasCurrentState").GetBoolean());
            Assert.Equal(4321, theirs.GetInt32("localRegistrationId"));
            Assert.Equal(5555, theirs.GetInt32("remoteRegistrationId"));
            Assert.Equal(ours, theirs.GetBytes("serialized"));
        }
    }

    [Fact]
    public async Task Libsignal_session_records_read_here_and_write_back_identically()
    {
        string alice = $"alice-{Guid.NewGuid():N}";
        string bob = $"bob-{Guid.NewGuid():N}";
        await Peer.CallAsync("partyCreate", new { name = alice, deviceId = 1, registrationId = 1111 });
        await Peer.CallAsync("partyCreate", new { name = bob, deviceId = 2, registrationId = 2222 });
        JsonElement bundle = await Peer.CallAsync("partyBundle", new { name = bob, withOneTimePreKey = true });
        await Peer.CallAsync("partyProcessBundle", PeerBundles.WithBundle(bundle, alice, bob, 2));

        // A conversation with ratchet steps on both sides (libsignal on both ends, SPQR state included).
        for (int i = 0; i < 12; i++)
        {
            (string from, string to, int toDevice, int fromDevice) = i % 3 == 2 ? (bob, alice, 1, 2) : (alice, bob, 2, 1);
            JsonElement sent = await Peer.CallAsync("partyEncrypt", new { name = from, remoteName = to, remoteDeviceId = toDevice, plaintext = Encoding.UTF8.GetBytes($"m{i}") });
            await Peer.CallAsync("partyDecrypt", new { name = to, remoteName = from, remoteDeviceId = fromDevice, type = sent.GetInt32("type"), serialized = sent.GetBytes("serialized") });

            foreach ((string owner, string peer, int peerDevice) in new[] { (alice, bob, 2), (bob, alice, 1) })
            {
                JsonElement record = await Peer.CallAsync("partySessionRecord", new { name = owner, remoteName = peer, remoteDeviceId = peerDevice });
                byte[] theirs = record.GetBytes("serialized");
                SessionRecord parsed = SessionRecord.Deserialize(theirs);
                Assert.True(parsed.HasCurrentState);
                Assert.Equal(theirs, parsed.Serialize());
            }
        }
    }
}
