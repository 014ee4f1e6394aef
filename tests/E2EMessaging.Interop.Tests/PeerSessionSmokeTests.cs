using System.Text;
using System.Text.Json;
using E2EMessaging.Interop.Tests.NodeHost;
using Xunit;

namespace E2EMessaging.Interop.Tests;

/// <summary>
/// The peer's party ops: 1:1 sessions with libsignal on both ends, inside the peer. These check the
/// peer itself, so that later tests can put our implementation on one end with confidence.
/// </summary>
[Collection(LibsignalCollection.Name)]
public sealed class PeerSessionSmokeTests(NodePeerFixture fixture)
{
    private const int PreKeyType = 3;
    private const int WhisperType = 2;
    private const byte VersionByte = 0x44; // (current version 4 << 4) | current version 4

    private NodePeer Peer => fixture.Peer;

    // Party names are unique per test: every test in the collection shares one peer process.
    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}";

    private async Task<(string Alice, string Bob)> CreatePairAsync()
    {
        var alice = Unique("alice");
        var bob = Unique("bob");
        var a = await Peer.CallAsync("partyCreate", new { name = alice, deviceId = 1, registrationId = 1111 });
        var b = await Peer.CallAsync("partyCreate", new { name = bob, deviceId = 2, registrationId = 2222 });
        Assert.Equal(33, a.GetBytes("identityKey").Length);
        Assert.Equal(1111, a.GetInt32("registrationId"));
        Assert.Equal(2222, b.GetInt32("registrationId"));
        return (alice, bob);
    }

    private Task<JsonElement> EncryptAsync(string name, string remoteName, int remoteDeviceId, string text) =>
        Peer.CallAsync("partyEncrypt", new { name, remoteName, remoteDeviceId, plaintext = Encoding.UTF8.GetBytes(text) });

    private Task<JsonElement> DecryptAsync(string name, string remoteName, int remoteDeviceId, JsonElement message) =>
        Peer.CallAsync("partyDecrypt", new
        {
            name,
            remoteName,
            remoteDeviceId,
            type = message.GetInt32("type"),
            serialized = message.GetBytes("serialized"),
        });

    [Fact]
    public async Task Bundle_has_the_eleven_fields_and_a_fresh_one_time_prekey_each_time()
    {
        var (_, bob) = await CreatePairAsync();

        var first = await Peer.CallAsync("partyBundle", new { name = bob, withOneTimePreKey = true });
        var second = await Peer.CallAsync("partyBundle", new { name = bob, withOneTimePreKey = true });
        var none = await Peer.CallAsync("partyBundle", new { name = bob, withOneTimePreKey = false });

        Assert.Equal(
            ["deviceId", "identityKey", "kyberPreKeyId", "kyberPreKeyPublic", "kyberPreKeySignature", "preKeyId", "preKeyPublic",
             "registrationId", "signedPreKeyId", "signedPreKeyPublic", "signedPreKeySignature"],
            first.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(2222, first.GetInt32("registrationId"));
        Assert.Equal(2, first.GetInt32("deviceId"));
        Assert.Equal(1, first.GetInt32("preKeyId"));
        Assert.Equal(2, second.GetInt32("preKeyId"));
        Assert.NotEqual(first.GetBytes("preKeyPublic"), second.GetBytes("preKeyPublic"));
        Assert.Equal(JsonValueKind.Null, none.GetProperty("preKeyId").ValueKind);
        Assert.Null(none.GetBytesOrNull("preKeyPublic"));
        Assert.Equal(first.GetBytes("signedPreKeyPublic"), none.GetBytes("signedPreKeyPublic"));
        Assert.Equal(1569, first.GetBytes("kyberPreKeyPublic").Length); // 0x08 type byte + Kyber-1024 public key
        Assert.Equal(64, first.GetBytes("kyberPreKeySignature").Length);
    }

    [Fact]
    public async Task Alice_and_bob_exchange_a_prekey_message_and_a_reply_inside_libsignal()
    {
        var (alice, bob) = await CreatePairAsync();
        var bundle = await Peer.CallAsync("partyBundle", new { name = bob, withOneTimePreKey = true });
        var processed = await Peer.CallAsync("partyProcessBundle", PeerBundles.WithBundle(bundle, alice, bob, 2));
        Assert.NotEmpty(processed.GetBytes("sessionRecord"));

        var first = await EncryptAsync(alice, bob, 2, "hello bob");
        Assert.Equal(PreKeyType, first.GetInt32("type"));
        var firstBytes = first.GetBytes("serialized");
        Assert.Equal(VersionByte, firstBytes[0]);

        var parsedFirst = await Peer.CallAsync("parsePreKeySignalMessage", new { serialized = firstBytes });
        Assert.Equal(4, parsedFirst.GetInt32("version"));
        Assert.Equal(1111, parsedFirst.GetInt32("registrationId"));
        Assert.Equal(bundle.GetInt32("preKeyId"), parsedFirst.GetInt32("preKeyId"));
        Assert.Equal(bundle.GetInt32("signedPreKeyId"), parsedFirst.GetInt32("signedPreKeyId"));
        Assert.Equal(firstBytes, parsedFirst.GetBytes("serialized"));

        var received = await DecryptAsync(bob, alice, 1, first);
        Assert.Equal("hello bob", Encoding.UTF8.GetString(received.GetBytes("plaintext")));

        var reply = await EncryptAsync(bob, alice, 1, "hi alice");
        Assert.Equal(WhisperType, reply.GetInt32("type"));
        var replyBytes = reply.GetBytes("serialized");
        Assert.Equal(VersionByte, replyBytes[0]);

        var parsedReply = await Peer.CallAsync("parseSignalMessage", new { serialized = replyBytes });
        Assert.Equal(4, parsedReply.GetInt32("messageVersion"));
        Assert.Equal(0, parsedReply.GetInt32("counter"));
        Assert.Equal(16, parsedReply.GetBytes("body").Length); // 8 bytes of text, AES-CBC padded to one block
        Assert.Equal(replyBytes, parsedReply.GetBytes("serialized"));

        var answered = await DecryptAsync(alice, bob, 2, reply);
        Assert.Equal("hi alice", Encoding.UTF8.GetString(answered.GetBytes("plaintext")));

        // Bob's reply acknowledged the session, so alice's next message is a plain Whisper message.
        var next = await EncryptAsync(alice, bob, 2, "second");
        Assert.Equal(WhisperType, next.GetInt32("type"));
        var parsedNext = await Peer.CallAsync("parseSignalMessage", new { serialized = next.GetBytes("serialized") });
        Assert.Equal(0, parsedNext.GetInt32("counter")); // a new sending chain after the DH ratchet step
        Assert.Equal("second", Encoding.UTF8.GetString((await DecryptAsync(bob, alice, 1, next)).GetBytes("plaintext")));

        var aliceRecord = await Peer.CallAsync("partySessionRecord", new { name = alice, remoteName = bob, remoteDeviceId = 2 });
        Assert.NotEmpty(aliceRecord.GetBytes("serialized"));
        Assert.Equal(1111, aliceRecord.GetInt32("localRegistrationId"));
        Assert.Equal(2222, aliceRecord.GetInt32("remoteRegistrationId"));
        Assert.True(aliceRecord.GetBoolean("hasCurrentState"));
        var bobRecord = await Peer.CallAsync("partySessionRecord", new { name = bob, remoteName = alice, remoteDeviceId = 1 });
        Assert.Equal(2222, bobRecord.GetInt32("localRegistrationId"));
        Assert.Equal(1111, bobRecord.GetInt32("remoteRegistrationId"));
    }

    [Fact]
    public async Task Consecutive_messages_on_one_chain_count_up()
    {
        var (alice, bob) = await CreatePairAsync();
        var bundle = await Peer.CallAsync("partyBundle", new { name = bob, withOneTimePreKey = false });
        await Peer.CallAsync("partyProcessBundle", PeerBundles.WithBundle(bundle, alice, bob, 2));

        for (var i = 0; i < 3; i++)
        {
            var message = await EncryptAsync(alice, bob, 2, $"message {i}");
            Assert.Equal(PreKeyType, message.GetInt32("type")); // no reply yet: every message carries the prekey header
            var parsed = await Peer.CallAsync("parsePreKeySignalMessage", new { serialized = message.GetBytes("serialized") });
            Assert.Equal(JsonValueKind.Null, parsed.GetProperty("preKeyId").ValueKind);
            Assert.Equal($"message {i}", Encoding.UTF8.GetString((await DecryptAsync(bob, alice, 1, message)).GetBytes("plaintext")));
        }

        var reply = await EncryptAsync(bob, alice, 1, "r0");
        await DecryptAsync(alice, bob, 2, reply);
        for (var i = 0; i < 3; i++)
        {
            var message = await EncryptAsync(alice, bob, 2, $"after {i}");
            var parsed = await Peer.CallAsync("parseSignalMessage", new { serialized = message.GetBytes("serialized") });
            Assert.Equal(i, parsed.GetInt32("counter"));
            await DecryptAsync(bob, alice, 1, message);
        }
    }

    [Fact]
    public async Task Decrypting_the_same_message_twice_fails_the_second_time()
    {
        var (alice, bob) = await CreatePairAsync();
        var bundle = await Peer.CallAsync("partyBundle", new { name = bob, withOneTimePreKey = true });
        await Peer.CallAsync("partyProcessBundle", PeerBundles.WithBundle(bundle, alice, bob, 2));

        var first = await EncryptAsync(alice, bob, 2, "once");
        await DecryptAsync(bob, alice, 1, first);
        var e1 = await Assert.ThrowsAsync<NodePeerException>(() => DecryptAsync(bob, alice, 1, first));
        Assert.StartsWith("DuplicatedMessage", e1.PeerError, StringComparison.Ordinal);

        var reply = await EncryptAsync(bob, alice, 1, "once too");
        await DecryptAsync(alice, bob, 2, reply);
        var e2 = await Assert.ThrowsAsync<NodePeerException>(() => DecryptAsync(alice, bob, 2, reply));
        Assert.StartsWith("DuplicatedMessage", e2.PeerError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_keys_and_parties_are_peer_errors()
    {
        var (alice, bob) = await CreatePairAsync();

        var none = await Peer.CallAsync("partySessionRecord", new { name = alice, remoteName = bob, remoteDeviceId = 2 });
        Assert.Equal(JsonValueKind.Null, none.GetProperty("serialized").ValueKind);

        var noParty = await Assert.ThrowsAsync<NodePeerException>(() => EncryptAsync(Unique("nobody"), bob, 2, "x"));
        Assert.Contains("no party", noParty.PeerError, StringComparison.Ordinal);

        var noSession = await Assert.ThrowsAsync<NodePeerException>(() => EncryptAsync(alice, bob, 2, "x"));
        Assert.Contains("session", noSession.PeerError, StringComparison.OrdinalIgnoreCase);

        // A bundle naming a one-time prekey bob never stored: bob's PreKeyStore throws, libsignal reports it.
        var bundle = await Peer.CallAsync("partyBundle", new { name = bob, withOneTimePreKey = true });
        var args = PeerBundles.WithBundle(bundle, alice, bob, 2);
        args["preKeyId"] = 999;
        await Peer.CallAsync("partyProcessBundle", args);
        var message = await EncryptAsync(alice, bob, 2, "x");
        var missing = await Assert.ThrowsAsync<NodePeerException>(() => DecryptAsync(bob, alice, 1, message));
        Assert.Contains("no prekey with id 999", missing.PeerError, StringComparison.Ordinal);

        var badType = await Assert.ThrowsAsync<NodePeerException>(() => Peer.CallAsync("partyDecrypt", new
        {
            name = bob,
            remoteName = alice,
            remoteDeviceId = 1,
            type = 7,
            serialized = message.GetBytes("serialized"),
        }));
        Assert.Contains("type", badType.PeerError, StringComparison.Ordinal);
    }
}
