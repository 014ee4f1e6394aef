using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.PreKeys;
using E2EMessaging.Interop.Tests.NodeHost;
using Xunit;

namespace E2EMessaging.Interop.Tests;

/// <summary>Identity key pairs, Kyber keys and all three prekey records, serialized on one side and read on the other.</summary>
[Collection("libsignal")]
public sealed class RecordInteropTests(NodePeerFixture fixture)
{
    private const int Count = 100;
    private readonly NodePeer _peer = fixture.Peer;

    [Fact]
    public async Task Identity_key_pairs_round_trip_both_ways()
    {
        for (int i = 0; i < Count; i++)
        {
            using IdentityKeyPair ours = IdentityKeyPair.Generate();
            var read = await _peer.CallAsync("identityKeyPairDeserialize", new { serialized = ours.Serialize() });
            Assert.Equal(ours.Serialize(), read.GetBytes("serialized"));
            Assert.Equal(ours.PublicKey.Serialize(), read.GetBytes("publicKey"));
            Assert.Equal(ours.PrivateKey.Serialize(), read.GetBytes("privateKey"));

            var theirs = await _peer.CallAsync("identityKeyPairGenerate", new { });
            using IdentityKeyPair parsed = IdentityKeyPair.Deserialize(theirs.GetBytes("serialized"));
            Assert.Equal(theirs.GetBytes("publicKey"), parsed.PublicKey.Serialize());
            Assert.Equal(theirs.GetBytes("privateKey"), parsed.PrivateKey.Serialize());
            Assert.Equal(theirs.GetBytes("serialized"), parsed.Serialize());
        }
    }

    [Fact]
    public async Task Prekey_records_round_trip_both_ways()
    {
        for (uint id = 1; id <= Count; id++)
        {
            using PreKeyRecord ours = PreKeyRecord.Generate(id * 7919);
            var read = await _peer.CallAsync("preKeyRecordDeserialize", new { serialized = ours.Serialize() });
            Assert.Equal(ours.Id, read.GetProperty("id").GetUInt32());
            Assert.Equal(ours.PublicKey.Serialize(), read.GetBytes("publicKey"));
            Assert.Equal(ours.KeyPair.PrivateKey.Serialize(), read.GetBytes("privateKey"));
            Assert.Equal(ours.Serialize(), read.GetBytes("serialized"));

            var key = await _peer.CallAsync("privateKeyGenerate", new { });
            var made = await _peer.CallAsync("preKeyRecordNew", new { id = id + 1_000_000, publicKey = key.GetBytes("publicKey"), privateKey = key.GetBytes("privateKey") });
            using PreKeyRecord parsed = PreKeyRecord.Deserialize(made.GetBytes("serialized"));
            Assert.Equal(id + 1_000_000, parsed.Id);
            Assert.Equal(key.GetBytes("publicKey"), parsed.PublicKey.Serialize());
            Assert.Equal(made.GetBytes("serialized"), parsed.Serialize());
        }
    }

    [Fact]
    public async Task Signed_prekey_records_round_trip_both_ways()
    {
        using IdentityKeyPair identity = IdentityKeyPair.Generate();
        for (uint id = 1; id <= Count; id++)
        {
            ulong timestamp = 1_700_000_000_000UL + (id * 86_400_000UL);
            using SignedPreKeyRecord ours = SignedPreKeyRecord.Generate(id, timestamp, identity);
            var read = await _peer.CallAsync("signedPreKeyRecordDeserialize", new { serialized = ours.Serialize() });
            Assert.Equal(id, read.GetProperty("id").GetUInt32());
            Assert.Equal(timestamp, read.GetProperty("timestamp").GetUInt64());
            Assert.Equal(ours.PublicKey.Serialize(), read.GetBytes("publicKey"));
            Assert.Equal(ours.Signature.ToArray(), read.GetBytes("signature"));
            Assert.Equal(ours.Serialize(), read.GetBytes("serialized"));

            var key = await _peer.CallAsync("privateKeyGenerate", new { });
            byte[] signature = identity.PrivateKey.CalculateSignature(key.GetBytes("publicKey"));
            var made = await _peer.CallAsync("signedPreKeyRecordNew", new { id, timestamp, publicKey = key.GetBytes("publicKey"), privateKey = key.GetBytes("privateKey"), signature });
            using SignedPreKeyRecord parsed = SignedPreKeyRecord.Deserialize(made.GetBytes("serialized"));
            Assert.Equal(timestamp, parsed.Timestamp);
            Assert.Equal(signature, parsed.Signature.ToArray());
            Assert.Equal(made.GetBytes("serialized"), parsed.Serialize());
            Assert.True(identity.PublicKey.VerifySignature(parsed.PublicKey.Serialize(), parsed.Signature.Span));
        }
    }

    [Fact]
    public async Task Kyber_keys_and_records_round_trip_both_ways()
    {
        using IdentityKeyPair identity = IdentityKeyPair.Generate();
        for (uint id = 1; id <= 40; id++)
        {
            using KyberPreKeyRecord ours = KyberPreKeyRecord.Generate(id, 1_700_000_000_000UL + id, identity);
            var read = await _peer.CallAsync("kyberPreKeyRecordDeserialize", new { serialized = ours.Serialize() });
            Assert.Equal(id, read.GetProperty("id").GetUInt32());
            Assert.Equal(ours.PublicKey.Serialize(), read.GetBytes("publicKey"));
            Assert.Equal(ours.KeyPair.SecretKey.Serialize(), read.GetBytes("secretKey"));
            Assert.Equal(ours.Serialize(), read.GetBytes("serialized"));
            var pub = await _peer.CallAsync("kemPublicKeyDeserialize", new { publicKey = ours.PublicKey.Serialize() });
            Assert.Equal(ours.PublicKey.Serialize(), pub.GetBytes("publicKey"));

            var made = await _peer.CallAsync("kyberPreKeyRecordGenerate", new { id, timestamp = 1234UL, signingKey = identity.PrivateKey.Serialize() });
            using KyberPreKeyRecord parsed = KyberPreKeyRecord.Deserialize(made.GetBytes("serialized"));
            Assert.Equal(made.GetBytes("publicKey"), parsed.PublicKey.Serialize());
            Assert.Equal(made.GetBytes("secretKey"), parsed.KeyPair.SecretKey.Serialize());
            Assert.Equal(made.GetBytes("serialized"), parsed.Serialize());
            Assert.True(identity.PublicKey.VerifySignature(parsed.PublicKey.Serialize(), parsed.Signature.Span));
        }
    }

    [Fact]
    public async Task Kyber_key_type_bytes_are_judged_alike()
    {
        byte[] key = KyberKeyPair.Generate().PublicKey.Serialize();
        foreach (byte type in new byte[] { 0x05, 0x07, 0x0A, 0xFF })
        {
            byte[] bad = (byte[])key.Clone();
            bad[0] = type;
            await Assert.ThrowsAsync<NodePeerException>(() => _peer.CallAsync("kemPublicKeyDeserialize", new { publicKey = bad }));
            Assert.Equal(E2EMessaging.Protocol.ProtocolErrorKind.InvalidKeyType, Assert.Throws<E2EMessaging.Protocol.ProtocolException>(() => KyberPublicKey.Deserialize(bad)).Kind);
        }

        await Assert.ThrowsAsync<NodePeerException>(() => _peer.CallAsync("kemPublicKeyDeserialize", new { publicKey = key[..^1] }));
        Assert.Throws<E2EMessaging.Protocol.ProtocolException>(() => KyberPublicKey.Deserialize(key[..^1]));
    }
}
