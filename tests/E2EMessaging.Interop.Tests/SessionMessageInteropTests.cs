using System.Text;
using System.Text.Json;
using E2EMessaging.Interop.Tests.NodeHost;
using E2EMessaging.Protocol;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.Messages;
using E2EMessaging.Protocol.PreKeys;
using E2EMessaging.Protocol.Sessions;
using E2EMessaging.Protocol.Storage;
using Google.Protobuf;
using Xunit;
using WireSignalMessage = E2EMessaging.Protocol.Proto.Wire.SignalMessage;

namespace E2EMessaging.Interop.Tests;

/// <summary>
/// 1:1 message formats against libsignal 0.103: libsignal's
/// SignalMessage and PreKeySignalMessage parse here and re-serialize to the same bytes, and a PreKeySignalMessage
/// made here parses in libsignal with the same fields.
/// </summary>
[Collection(LibsignalCollection.Name)]
public sealed class SessionMessageInteropTests(NodePeerFixture fixture)
{
    private NodePeer Peer => fixture.Peer;

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}";

    [Fact]
    public async Task Libsignal_messages_parse_here_and_reserialize_to_the_same_bytes()
    {
        string alice = Unique("alice");
        string bob = Unique("bob");
        await Peer.CallAsync("partyCreate", new { name = alice, deviceId = 1, registrationId = 1111 });
        await Peer.CallAsync("partyCreate", new { name = bob, deviceId = 2, registrationId = 2222 });
        JsonElement bundle = await Peer.CallAsync("partyBundle", new { name = bob, withOneTimePreKey = true });
        await Peer.CallAsync("partyProcessBundle", PeerBundles.WithBundle(bundle, alice, bob, 2));

        var seen = new HashSet<int>();
        for (int i = 0; i < 40; i++)
        {
            // Alternate runs of messages so that both message types and several ratchet steps occur.
            bool fromAlice = i < 3 || (i / 4) % 2 == 0;
            (string from, string to, int toDevice) = fromAlice ? (alice, bob, 2) : (bob, alice, 1);
            JsonElement sent = await Peer.CallAsync("partyEncrypt", new { name = from, remoteName = to, remoteDeviceId = toDevice, plaintext = Encoding.UTF8.GetBytes($"message {i}") });
            int type = sent.GetInt32("type");
            byte[] wire = sent.GetBytes("serialized");
            seen.Add(type);

            SignalMessage inner;
            if (type == 3)
            {
                PreKeySignalMessage parsed = PreKeySignalMessage.Deserialize(wire);
                JsonElement theirs = await Peer.CallAsync("parsePreKeySignalMessage", new { serialized = wire });
                Assert.Equal(theirs.GetInt32("version"), parsed.MessageVersion);
                Assert.Equal((uint)theirs.GetInt32("registrationId"), parsed.RegistrationId);
                Assert.Equal((uint)theirs.GetInt32("signedPreKeyId"), parsed.SignedPreKeyId);
                Assert.Equal(theirs.GetProperty("preKeyId").ValueKind == JsonValueKind.Null ? null : (uint)theirs.GetInt32("preKeyId"), parsed.PreKeyId);
                Assert.Equal(bundle.GetBytes("signedPreKeyPublic").Length, parsed.BaseKey.Serialize().Length);
                Assert.Equal(1569, parsed.KyberCiphertext.Length);
                Assert.Equal((uint)bundle.GetInt32("kyberPreKeyId"), parsed.KyberPreKeyId);

                // Re-encoding the parsed fields gives libsignal's bytes exactly (same field order).
                PreKeySignalMessage rebuilt = PreKeySignalMessage.Create(parsed.RegistrationId, parsed.PreKeyId, parsed.SignedPreKeyId, parsed.KyberPreKeyId, parsed.KyberCiphertext, parsed.BaseKey, parsed.IdentityKey, parsed.Message);
                Assert.Equal(wire, rebuilt.Serialize());
                inner = parsed.Message;
            }
            else
            {
                Assert.Equal(2, type);
                inner = SignalMessage.Deserialize(wire);
                Assert.Equal(wire, inner.Serialize());
            }

            JsonElement theirInner = await Peer.CallAsync("parseSignalMessage", new { serialized = inner.Serialize() });
            Assert.Equal(theirInner.GetInt32("messageVersion"), inner.MessageVersion);
            Assert.Equal((uint)theirInner.GetInt32("counter"), inner.Counter);
            Assert.Equal(theirInner.GetBytes("body"), inner.Body.ToByteArray());
            Assert.Equal(theirInner.GetBytes("pqRatchet"), inner.PqRatchet.ToByteArray());

            // The protobuf between the version byte and the MAC re-encodes to the same bytes.
            var proto = new WireSignalMessage
            {
                RatchetKey = ByteString.CopyFrom(inner.SenderRatchetKey.Serialize()),
                Counter = inner.Counter,
                PreviousCounter = inner.PreviousCounter,
                Ciphertext = inner.Body,
            };
            if (!inner.PqRatchet.IsEmpty)
            {
                proto.PqRatchet = inner.PqRatchet;
            }

            if (inner.Addresses is ByteString addresses)
            {
                proto.Addresses = addresses;
            }

            byte[] innerWire = inner.Serialize();
            Assert.Equal(innerWire[1..^8], proto.ToByteArray());

            // Deliver it, so the conversation moves on.
            await Peer.CallAsync("partyDecrypt", new { name = to, remoteName = from, remoteDeviceId = fromAlice ? 1 : 2, type, serialized = wire });
        }

        Assert.Equal([2, 3], seen.Order());
    }

    [Fact]
    public async Task Our_prekey_messages_parse_in_libsignal_with_the_same_fields()
    {
        string bob = Unique("bob");
        await Peer.CallAsync("partyCreate", new { name = bob, deviceId = 3, registrationId = 3333 });
        var bobAddress = new ProtocolAddress(bob, 3);

        for (int i = 0; i < 20; i++)
        {
            using IdentityKeyPair identity = IdentityKeyPair.Generate();
            using var store = new InMemoryProtocolStore(identity, 4000u + (uint)i);
            var cipher = new SessionCipher(new ProtocolAddress($"alice{i}", 1), store, store, store, store, store);
            JsonElement bundleJson = await Peer.CallAsync("partyBundle", new { name = bob, withOneTimePreKey = i % 2 == 0 });
            await cipher.ProcessPreKeyBundleAsync(bobAddress, PeerBundles.ToBundle(bundleJson));

            for (int m = 0; m < 3; m++)
            {
                CiphertextMessage ours = await cipher.EncryptAsync(bobAddress, Encoding.UTF8.GetBytes($"hello {m}"));
                Assert.Equal(CiphertextMessageType.PreKey, ours.Type);
                var message = (PreKeySignalMessage)ours;
                JsonElement theirs = await Peer.CallAsync("parsePreKeySignalMessage", new { serialized = ours.Serialize() });
                Assert.Equal(4, theirs.GetInt32("version"));
                Assert.Equal(4000 + i, theirs.GetInt32("registrationId"));
                Assert.Equal(bundleJson.GetInt32("signedPreKeyId"), theirs.GetInt32("signedPreKeyId"));
                int? expectedPreKeyId = i % 2 == 0 ? bundleJson.GetInt32("preKeyId") : null;
                int? theirPreKeyId = theirs.GetProperty("preKeyId").ValueKind == JsonValueKind.Null ? null : theirs.GetInt32("preKeyId");
                Assert.Equal(expectedPreKeyId, theirPreKeyId);
                Assert.Equal(ours.Serialize(), theirs.GetBytes("serialized"));

                JsonElement inner = await Peer.CallAsync("parseSignalMessage", new { serialized = message.Message.Serialize() });
                Assert.Equal(4, inner.GetInt32("messageVersion"));
                Assert.Equal(m, inner.GetInt32("counter"));
                Assert.Equal(message.Message.Body.ToByteArray(), inner.GetBytes("body"));
            }
        }
    }

    [Fact]
    public async Task Libsignal_0_103_refuses_a_session_without_spqr()
    {
        // Sessions from before SPQR carry no post-quantum ratchet state; libsignal 0.103 creates every session with
        // SPQR as the minimum version, so a message without it is refused. Ours strips the state to show that.
        string bob = Unique("bob");
        await Peer.CallAsync("partyCreate", new { name = bob, deviceId = 4, registrationId = 4444 });
        using IdentityKeyPair identity = IdentityKeyPair.Generate();
        using var store = new InMemoryProtocolStore(identity, 77);
        var alice = new ProtocolAddress(Unique("alice"), 1);
        var bobAddress = new ProtocolAddress(bob, 4);
        var cipher = new SessionCipher(alice, store, store, store, store, store);
        await cipher.ProcessPreKeyBundleAsync(bobAddress, PeerBundles.ToBundle(await Peer.CallAsync("partyBundle", new { name = bob, withOneTimePreKey = true })));
        SessionRecord record = (await store.LoadSessionAsync(bobAddress))!;
        record.Current!.PqRatchetState = ByteString.Empty;
        await store.StoreSessionAsync(bobAddress, record);

        CiphertextMessage ours = await cipher.EncryptAsync(bobAddress, Encoding.UTF8.GetBytes("hi"));
        Assert.True(((PreKeySignalMessage)ours).Message.PqRatchet.IsEmpty);
        var refused = await Assert.ThrowsAsync<NodePeerException>(() => Peer.CallAsync("partyDecrypt", new { name = bob, remoteName = alice.Name, remoteDeviceId = 1, type = 3, serialized = ours.Serialize() }));
        // libsignal reports its SPQR failure as a generic decryption failure of the PreKey message.
        Assert.Contains("invalid PreKey message", refused.PeerError, StringComparison.Ordinal);
    }
}
