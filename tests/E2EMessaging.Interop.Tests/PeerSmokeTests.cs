using System.Text;
using E2EMessaging.Interop.Tests.NodeHost;
using Xunit;

namespace E2EMessaging.Interop.Tests;

[Collection(LibsignalCollection.Name)]
public sealed class PeerSmokeTests(NodePeerFixture fixture)
{
    private NodePeer Peer => fixture.Peer;

    [Fact]
    public async Task Ping_reports_the_pinned_libsignal_version()
    {
        var result = await Peer.CallAsync("ping");

        Assert.Equal("0.103.0", result.GetString("version"));
        Assert.Equal("0.103.0", Peer.LibsignalVersion);
    }

    [Fact]
    public async Task An_unknown_op_is_a_peer_error_and_the_peer_keeps_working()
    {
        var e = await Assert.ThrowsAsync<NodePeerException>(() => Peer.CallAsync("noSuchOp", new { x = 1 }));

        Assert.Equal("noSuchOp", e.Op);
        Assert.Contains("unknown op", e.PeerError, StringComparison.Ordinal);
        Assert.Equal("0.103.0", (await Peer.CallAsync("ping")).GetString("version"));
    }

    [Fact]
    public async Task Hkdf_matches_rfc5869_test_case_1()
    {
        var result = await Peer.CallAsync("hkdf", new
        {
            length = 42,
            ikm = Enumerable.Repeat((byte)0x0b, 22).ToArray(),
            info = Convert.FromHexString("f0f1f2f3f4f5f6f7f8f9"),
            salt = Convert.FromHexString("000102030405060708090a0b0c"),
        });

        var okm = result.GetBytes("okm");
        Assert.Equal(42, okm.Length);
        Assert.Equal(
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
            Convert.ToHexString(okm).ToLowerInvariant());
    }

    [Fact]
    public async Task Sign_then_verify_inside_libsignal_and_a_flipped_bit_is_invalid()
    {
        var key = await Peer.CallAsync("privateKeyGenerate");
        var privateKey = key.GetBytes("privateKey");
        var publicKey = key.GetBytes("publicKey");
        Assert.Equal(32, privateKey.Length);
        Assert.Equal(33, publicKey.Length);
        Assert.Equal(0x05, publicKey[0]);

        var message = Encoding.UTF8.GetBytes("interop smoke test");
        var signature = (await Peer.CallAsync("sign", new { privateKey, message })).GetBytes("signature");
        Assert.Equal(64, signature.Length);

        var valid = await Peer.CallAsync("verify", new { publicKey, message, signature });
        Assert.True(valid.GetBoolean("valid"));

        var tampered = (byte[])signature.Clone();
        tampered[10] ^= 0x01;
        var invalid = await Peer.CallAsync("verify", new { publicKey, message, signature = tampered });
        Assert.False(invalid.GetBoolean("valid"));
    }

    [Fact]
    public async Task An_argument_named_id_does_not_clash_with_the_request_id()
    {
        var key = await Peer.CallAsync("privateKeyGenerate");
        var record = await Peer.CallAsync("preKeyRecordNew", new { id = 424242, publicKey = key.GetBytes("publicKey"), privateKey = key.GetBytes("privateKey") });

        var parsed = await Peer.CallAsync("preKeyRecordDeserialize", new { serialized = record.GetBytes("serialized") });

        Assert.Equal(424242, parsed.GetInt32("id"));
        Assert.Equal(key.GetBytes("publicKey"), parsed.GetBytes("publicKey"));
        Assert.Equal(key.GetBytes("privateKey"), parsed.GetBytes("privateKey"));
        Assert.Equal(record.GetBytes("serialized"), parsed.GetBytes("serialized"));
    }

    [Fact]
    public async Task Concurrent_calls_each_get_their_own_answer()
    {
        var calls = Enumerable.Range(1, 32).Select(async n =>
        {
            var okm = (await Peer.CallAsync("hkdf", new { length = n, ikm = new[] { (byte)n }, info = Array.Empty<byte>(), salt = (byte[]?)null }))
                .GetBytes("okm");
            return (n, okm.Length);
        });

        foreach (var (n, length) in await Task.WhenAll(calls))
        {
            Assert.Equal(n, length);
        }
    }

    [Fact]
    public async Task Libsignal_refuses_a_bundle_with_a_bad_signed_prekey_signature()
    {
        var bob = await Peer.CallAsync("makeBundle", new { registrationId = 7, deviceId = 1, preKeyId = 11, signedPreKeyId = 12, kyberPreKeyId = 13 });
        var alice = await Peer.CallAsync("identityKeyPairGenerate");
        var signature = bob.GetBytes("signedPreKeySignature");
        signature[0] ^= 0x01;

        object Args(byte[] signedPreKeySignature) => new
        {
            registrationId = bob.GetInt32("registrationId"),
            deviceId = bob.GetInt32("deviceId"),
            preKeyId = bob.GetInt32("preKeyId"),
            preKeyPublic = bob.GetBytes("preKeyPublic"),
            signedPreKeyId = bob.GetInt32("signedPreKeyId"),
            signedPreKeyPublic = bob.GetBytes("signedPreKeyPublic"),
            signedPreKeySignature,
            identityKey = bob.GetBytes("identityKey"),
            kyberPreKeyId = bob.GetInt32("kyberPreKeyId"),
            kyberPreKeyPublic = bob.GetBytes("kyberPreKeyPublic"),
            kyberPreKeySignature = bob.GetBytes("kyberPreKeySignature"),
            localIdentity = alice.GetBytes("serialized"),
            localRegistrationId = 42,
            remoteName = "bob",
            remoteDeviceId = 1,
        };

        var ok = await Peer.CallAsync("processBundle", Args(bob.GetBytes("signedPreKeySignature")));
        Assert.True(ok.GetBoolean("ok"));
        Assert.NotEmpty(ok.GetBytes("sessionRecord"));

        var e = await Assert.ThrowsAsync<NodePeerException>(() => Peer.CallAsync("processBundle", Args(signature)));
        Assert.Contains("signature", e.PeerError, StringComparison.OrdinalIgnoreCase);
    }
}
