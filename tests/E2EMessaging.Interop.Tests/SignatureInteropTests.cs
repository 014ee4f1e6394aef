using E2EMessaging.Protocol.Keys;
using E2EMessaging.Interop.Tests.NodeHost;
using Xunit;

namespace E2EMessaging.Interop.Tests;

/// <summary>XEdDSA in both directions on hundreds of random keys and messages, and X25519 agreement.</summary>
[Collection("libsignal")]
public sealed class SignatureInteropTests(NodePeerFixture fixture)
{
    private const int Count = 300;
    private readonly NodePeer _peer = fixture.Peer;

    [Fact]
    public async Task Our_signatures_verify_in_libsignal_and_flipped_bits_fail()
    {
        var random = new Random(1);
        var items = new List<object>();
        for (int i = 0; i < Count; i++)
        {
            using PrivateKey key = PrivateKey.Generate();
            byte[] message = RandomBytes(random, random.Next(0, 600));
            byte[] signature = key.CalculateSignature(message);
            items.Add(new { publicKey = key.GetPublicKey().Serialize(), message, signature });

            byte[] flipped = (byte[])signature.Clone();
            int bit = random.Next(64 * 8);
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            items.Add(new { publicKey = key.GetPublicKey().Serialize(), message, signature = flipped });
        }

        bool[] valid = (await _peer.CallAsync("verifyBatch", new { items })).GetBooleanArray("valid");
        Assert.Equal(2 * Count, valid.Length);
        for (int i = 0; i < Count; i++)
        {
            Assert.True(valid[2 * i], $"libsignal refused our signature #{i}");
            Assert.False(valid[(2 * i) + 1], $"libsignal accepted our flipped signature #{i}");
        }
    }

    [Fact]
    public async Task Libsignal_signatures_verify_here_and_flipped_bits_fail()
    {
        var random = new Random(2);
        var keys = (await _peer.CallAsync("privateKeyGenerateBatch", new { count = Count })).GetProperty("keys").EnumerateArray()
            .Select(k => (Private: k.GetBytes("privateKey"), Public: k.GetBytes("publicKey"))).ToArray();
        byte[][] messages = keys.Select(_ => RandomBytes(random, random.Next(0, 600))).ToArray();
        var items = keys.Select((k, i) => new { privateKey = k.Private, message = messages[i] }).ToArray();
        byte[][] signatures = (await _peer.CallAsync("signBatch", new { items })).GetBytesArray("signatures");

        int signBitSet = 0;
        for (int i = 0; i < Count; i++)
        {
            PublicKey publicKey = PublicKey.Deserialize(keys[i].Public);
            Assert.True(publicKey.VerifySignature(messages[i], signatures[i]), $"we refused libsignal's signature #{i}");
            byte[] flipped = (byte[])signatures[i].Clone();
            int bit = random.Next(64 * 8);
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(publicKey.VerifySignature(messages[i], flipped), $"we accepted libsignal's flipped signature #{i} (bit {bit})");
            byte[] otherMessage = [.. messages[i], 0];
            Assert.False(publicKey.VerifySignature(otherMessage, signatures[i]));
            signBitSet += signatures[i][63] >> 7;
        }

        // Both values of the carried sign bit occurred, so both verification paths were exercised.
        Assert.InRange(signBitSet, 1, Count - 1);
    }

    [Fact]
    public async Task Keys_derive_and_agree_identically()
    {
        var random = new Random(3);
        for (int i = 0; i < 100; i++)
        {
            // Unclamped random bytes: both libraries clamp on the way in and derive the same public key.
            byte[] raw = RandomBytes(random, 32);
            var theirs = await _peer.CallAsync("privateKeyDeserialize", new { privateKey = raw });
            using PrivateKey ours = PrivateKey.Deserialize(raw);
            Assert.Equal(theirs.GetBytes("privateKey"), ours.Serialize());
            Assert.Equal(theirs.GetBytes("publicKey"), ours.GetPublicKey().Serialize());

            using PrivateKey other = PrivateKey.Generate();
            byte[] shared = new byte[32];
            ours.CalculateAgreement(other.GetPublicKey(), shared);
            var agreed = await _peer.CallAsync("agree", new { privateKey = raw, publicKey = other.GetPublicKey().Serialize() });
            Assert.Equal(agreed.GetBytes("shared"), shared);
        }
    }

    [Fact]
    public async Task Public_key_encodings_are_judged_alike()
    {
        byte[] valid = PrivateKey.Generate().GetPublicKey().Serialize();
        var back = await _peer.CallAsync("publicKeyDeserialize", new { publicKey = valid });
        Assert.Equal(valid, back.GetBytes("publicKey"));

        // Wrong type bytes and short keys: both refuse.
        foreach (byte[] bad in new[] { new byte[] { 0x06 }.Concat(valid[1..]).ToArray(), valid[..32], Array.Empty<byte>(), new byte[] { 0x08 }.Concat(valid[1..]).ToArray() })
        {
            await Assert.ThrowsAsync<NodePeerException>(() => _peer.CallAsync("publicKeyDeserialize", new { publicKey = bad }));
            Assert.Throws<E2EMessaging.Protocol.ProtocolException>(() => PublicKey.Deserialize(bad));
        }
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
