using System.Text;
using System.Text.Json;
using E2EMessaging.Interop.Tests.NodeHost;
using E2EMessaging.Protocol;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.Proto.Spqr;
using E2EMessaging.Protocol.Sessions;
using Xunit;

namespace E2EMessaging.Interop.Tests.Spqr;

/// <summary>
/// The strongest check of the session state format, SPQR included: a session record one library wrote in the
/// middle of a conversation is handed to the other library, which carries the conversation on with the original
/// peer. The hand-over happens at many points of the braid (header, key or ciphertext chunks in flight, epochs
/// just completed), so every kind of SPQR state (keys, decoders, encoders, the encapsulation state) is read by the
/// library that did not write it.
/// </summary>
[Collection(LibsignalCollection.Name)]
public sealed class SessionTransplantInteropTests(NodePeerFixture fixture)
{
    private NodePeer Peer => fixture.Peer;

    public static TheoryData<int> Points => [1, 7, 23, 41, 60, 97, 150, 260];

    [Theory]
    [MemberData(nameof(Points))]
    public async Task A_libsignal_session_record_carries_on_here(int seed)
    {
        string alice = Conversation.Unique("alice");
        string bob = Conversation.Unique("bob");
        await Peer.CallAsync("partyCreate", new { name = alice, deviceId = 1, registrationId = 1111 });
        JsonElement bobCreated = await Peer.CallAsync("partyCreate", new { name = bob, deviceId = 2, registrationId = 2222 });
        JsonElement bundle = await Peer.CallAsync("partyBundle", new { name = bob, withOneTimePreKey = true });
        await Peer.CallAsync("partyProcessBundle", PeerBundles.WithBundle(bundle, alice, bob, 2));

        // libsignal on both ends until the hand-over point.
        var random = new Random(seed);
        await ConverseInsideLibsignalAsync(alice, 1, bob, 2, random, messages: seed);

        // Alice moves to our library: only her persisted session record and her trust in Bob's key come along.
        byte[] record = (await Peer.CallAsync("partySessionRecord", new { name = alice, remoteName = bob, remoteDeviceId = 2 })).GetBytes("serialized");
        using var us = new OurDevice(alice, 1, 1111);
        var bobAddress = new ProtocolAddress(bob, 2);
        await us.Store.StoreSessionAsync(bobAddress, SessionRecord.Deserialize(record));
        await us.Store.SaveIdentityAsync(bobAddress, PublicKey.Deserialize(bobCreated.GetBytes("identityKey")));
        ulong epochAtHandOver = SpqrOf(record);

        await ConverseWithUsAsync(us, bob, 2, random, turns: 16);
        SessionRecord after = (await us.Store.LoadSessionAsync(bobAddress))!;
        Assert.True(SpqrOf(after.Serialize()) > epochAtHandOver, "SPQR did not move on after the hand-over.");
    }

    [Theory]
    [MemberData(nameof(Points))]
    public async Task Our_session_record_carries_on_in_libsignal(int seed)
    {
        using Conversation c = await Conversation.WeInitiateAsync(Peer);
        var random = new Random(seed);
        await c.TheyReceiveAllAsync(await c.WeSendAsync(1));
        int sent = 1;
        bool ours = false;
        while (sent < seed)
        {
            int run = Math.Min(seed - sent, 1 + random.Next(random.Next(4) == 0 ? 90 : 5));
            if (ours)
            {
                await c.TheyReceiveAllAsync(await c.WeSendAsync(run));
            }
            else
            {
                await c.WeReceiveAllAsync(await c.TheySendAsync(run));
            }

            sent += run;
            ours = !ours;
        }

        // Our device moves to libsignal: a libsignal party under our address imports our record.
        byte[] record = (await c.Us.Store.LoadSessionAsync(c.TheirAddress))!.Serialize();
        ulong epochAtHandOver = SpqrOf(record);
        await Peer.CallAsync("partyCreate", new { name = c.Us.Address.Name, deviceId = (int)c.Us.Address.DeviceId, registrationId = 1111 });
        JsonElement imported = await Peer.CallAsync("partyImportSession", new { name = c.Us.Address.Name, remoteName = c.Them, remoteDeviceId = 2, serialized = record });
        Assert.True(imported.GetProperty("hasCurrentState").GetBoolean());

        await ConverseInsideLibsignalAsync(c.Us.Address.Name, (int)c.Us.Address.DeviceId, c.Them, 2, random, messages: 600);
        byte[] theirRecord = (await Peer.CallAsync("partySessionRecord", new { name = c.Us.Address.Name, remoteName = c.Them, remoteDeviceId = 2 })).GetBytes("serialized");
        Assert.True(SpqrOf(theirRecord) > epochAtHandOver, "SPQR did not move on after the hand-over.");
    }

    private static ulong SpqrOf(byte[] record)
    {
        SessionState state = SessionRecord.Deserialize(record).Current!;
        var spqr = SpqrState.Parser.ParseFrom(state.PqRatchetState);
        Assert.Equal(SpqrState.InnerOneofCase.V1, spqr.InnerCase);
        return spqr.Chain?.CurrentEpoch ?? 0;
    }

    /// <summary>Turns of random length between two libsignal parties, every message delivered in order.</summary>
    private async Task ConverseInsideLibsignalAsync(string a, int aDevice, string b, int bDevice, Random random, int messages)
    {
        int sent = 0;
        bool fromA = true;
        while (sent < messages)
        {
            int run = Math.Min(messages - sent, 1 + random.Next(random.Next(4) == 0 ? 90 : 5));
            (string from, int fromDevice, string to, int toDevice) = fromA ? (a, aDevice, b, bDevice) : (b, bDevice, a, aDevice);
            await SendInsideLibsignalAsync(from, fromDevice, to, toDevice, run, $"{sent}+");
            sent += run;
            fromA = !fromA;
        }
    }

    private async Task SendInsideLibsignalAsync(string from, int fromDevice, string to, int toDevice, int count, string prefix)
    {
        JsonElement batch = await Peer.CallAsync("partyEncryptBatch", new { name = from, remoteName = to, remoteDeviceId = toDevice, count, prefix });
        var items = batch.GetProperty("messages").EnumerateArray().Select(m => new { type = m.GetInt32("type"), serialized = m.GetBytes("serialized") }).ToArray();
        JsonElement results = await Peer.CallAsync("partyDecryptBatch", new { name = to, remoteName = from, remoteDeviceId = fromDevice, items });
        int i = 0;
        foreach (JsonElement r in results.GetProperty("results").EnumerateArray())
        {
            Assert.True(r.GetProperty("ok").GetBoolean(), r.TryGetProperty("error", out JsonElement e) ? e.GetString() : "refused");
            Assert.Equal($"{prefix}{i++}", Encoding.UTF8.GetString(r.GetBytes("plaintext")));
        }
    }

    /// <summary>Turns between our device and a libsignal party, long enough for SPQR to complete epochs.</summary>
    private async Task ConverseWithUsAsync(OurDevice us, string them, int theirDevice, Random random, int turns)
    {
        var theirAddress = new ProtocolAddress(them, (uint)theirDevice);
        for (int turn = 0; turn < turns; turn++)
        {
            int run = 20 + random.Next(80); // long enough in both directions for chunks of every kind to cross
            if (turn % 2 == 0)
            {
                var items = new List<object>();
                var texts = new List<string>();
                for (int i = 0; i < run; i++)
                {
                    string text = $"us {turn}/{i}";
                    var message = await us.EncryptAsync(theirAddress, text);
                    items.Add(new { type = (int)message.Type, serialized = message.Serialize() });
                    texts.Add(text);
                }

                JsonElement results = await Peer.CallAsync("partyDecryptBatch", new { name = them, remoteName = us.Address.Name, remoteDeviceId = (int)us.Address.DeviceId, items });
                int k = 0;
                foreach (JsonElement r in results.GetProperty("results").EnumerateArray())
                {
                    Assert.True(r.GetProperty("ok").GetBoolean(), r.TryGetProperty("error", out JsonElement e) ? e.GetString() : "refused");
                    Assert.Equal(texts[k++], Encoding.UTF8.GetString(r.GetBytes("plaintext")));
                }
            }
            else
            {
                string prefix = $"them {turn}+";
                JsonElement batch = await Peer.CallAsync("partyEncryptBatch", new { name = them, remoteName = us.Address.Name, remoteDeviceId = (int)us.Address.DeviceId, count = run, prefix });
                int k = 0;
                foreach (JsonElement m in batch.GetProperty("messages").EnumerateArray())
                {
                    Assert.Equal($"{prefix}{k++}", await us.DecryptAsync(theirAddress, m.GetInt32("type"), m.GetBytes("serialized")));
                }
            }
        }
    }
}
