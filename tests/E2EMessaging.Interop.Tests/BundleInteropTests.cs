using System.Text.Json;
using E2EMessaging.Protocol;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.PreKeys;
using E2EMessaging.Interop.Tests.NodeHost;
using Xunit;

namespace E2EMessaging.Interop.Tests;

/// <summary>Prekey bundles: ours accepted by libsignal's processPreKeyBundle, libsignal's accepted here, bad signatures refused by both.</summary>
[Collection("libsignal")]
public sealed class BundleInteropTests(NodePeerFixture fixture)
{
    private const int Count = 60;
    private readonly NodePeer _peer = fixture.Peer;

    [Fact]
    public async Task Libsignal_processes_our_bundles()
    {
        using IdentityKeyPair alice = IdentityKeyPair.Generate();
        for (uint i = 1; i <= Count; i++)
        {
            using IdentityKeyPair bob = IdentityKeyPair.Generate();
            var fields = MakeBundleFields(bob, i, withOneTimePreKey: i % 2 == 0);
            var result = await _peer.CallAsync("processBundle", Process(fields, alice));
            Assert.NotEmpty(result.GetBytes("sessionRecord"));
        }
    }

    [Fact]
    public async Task Libsignal_refuses_our_bundles_with_a_bad_signature_and_so_do_we()
    {
        using IdentityKeyPair alice = IdentityKeyPair.Generate();
        var random = new Random(5);
        for (uint i = 1; i <= 20; i++)
        {
            using IdentityKeyPair bob = IdentityKeyPair.Generate();
            var fields = MakeBundleFields(bob, i, withOneTimePreKey: true);
            string which = i % 2 == 0 ? "signedPreKeySignature" : "kyberPreKeySignature";
            byte[] signature = (byte[])fields[which]!;
            int bit = random.Next(512);
            signature[bit / 8] ^= (byte)(1 << (bit % 8));

            var error = await Assert.ThrowsAsync<NodePeerException>(() => _peer.CallAsync("processBundle", Process(fields, alice)));
            Assert.Contains("signature", error.Message, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(ProtocolErrorKind.InvalidSignature, Assert.Throws<ProtocolException>(() => ToBundle(fields)).Kind);
        }
    }

    [Fact]
    public async Task Bundles_made_by_libsignal_pass_our_validation_and_tampered_ones_fail()
    {
        for (uint i = 1; i <= Count; i++)
        {
            var made = await _peer.CallAsync("makeBundle", new { registrationId = 1000 + i, deviceId = (i % 127) + 1, preKeyId = i % 3 == 0 ? (uint?)null : i, signedPreKeyId = i + 100, kyberPreKeyId = i + 200 });
            var fields = FromJson(made);
            PreKeyBundle bundle = ToBundle(fields);
            Assert.Equal(1000 + i, bundle.RegistrationId);
            Assert.Equal(i % 3 == 0 ? null : i, bundle.PreKeyId);
            Assert.Equal(i + 200, bundle.KyberPreKeyId);

            byte[] kyberSignature = (byte[])fields["kyberPreKeySignature"]!;
            kyberSignature[(int)(i % 64)] ^= 0x10;
            Assert.Equal(ProtocolErrorKind.InvalidSignature, Assert.Throws<ProtocolException>(() => ToBundle(fields)).Kind);
        }
    }

    private static Dictionary<string, object?> MakeBundleFields(IdentityKeyPair identity, uint i, bool withOneTimePreKey)
    {
        PreKeyRecord preKey = PreKeyRecord.Generate(i);
        SignedPreKeyRecord signedPreKey = SignedPreKeyRecord.Generate(i + 100, 1_700_000_000_000, identity);
        KyberPreKeyRecord kyberPreKey = KyberPreKeyRecord.Generate(i + 200, 1_700_000_000_000, identity);
        return new Dictionary<string, object?>
        {
            ["registrationId"] = 5000 + i,
            ["deviceId"] = (i % 127) + 1,
            ["preKeyId"] = withOneTimePreKey ? i : null,
            ["preKeyPublic"] = withOneTimePreKey ? preKey.PublicKey.Serialize() : null,
            ["signedPreKeyId"] = signedPreKey.Id,
            ["signedPreKeyPublic"] = signedPreKey.PublicKey.Serialize(),
            ["signedPreKeySignature"] = signedPreKey.Signature.ToArray(),
            ["identityKey"] = identity.PublicKey.Serialize(),
            ["kyberPreKeyId"] = kyberPreKey.Id,
            ["kyberPreKeyPublic"] = kyberPreKey.PublicKey.Serialize(),
            ["kyberPreKeySignature"] = kyberPreKey.Signature.ToArray(),
        };
    }

    private static Dictionary<string, object?> FromJson(JsonElement made) => new()
    {
        ["registrationId"] = made.GetProperty("registrationId").GetUInt32(),
        ["deviceId"] = made.GetProperty("deviceId").GetUInt32(),
        ["preKeyId"] = made.GetProperty("preKeyId").ValueKind == JsonValueKind.Null ? null : made.GetProperty("preKeyId").GetUInt32(),
        ["preKeyPublic"] = made.GetProperty("preKeyPublic").ValueKind == JsonValueKind.Null ? null : made.GetBytes("preKeyPublic"),
        ["signedPreKeyId"] = made.GetProperty("signedPreKeyId").GetUInt32(),
        ["signedPreKeyPublic"] = made.GetBytes("signedPreKeyPublic"),
        ["signedPreKeySignature"] = made.GetBytes("signedPreKeySignature"),
        ["identityKey"] = made.GetBytes("identityKey"),
        ["kyberPreKeyId"] = made.GetProperty("kyberPreKeyId").GetUInt32(),
        ["kyberPreKeyPublic"] = made.GetBytes("kyberPreKeyPublic"),
        ["kyberPreKeySignature"] = made.GetBytes("kyberPreKeySignature"),
    };

    private static PreKeyBundle ToBundle(Dictionary<string, object?> f) => new(
        (uint)f["registrationId"]!,
        (uint)f["deviceId"]!,
        (uint?)f["preKeyId"],
        f["preKeyPublic"] is byte[] preKey ? PublicKey.Deserialize(preKey) : null,
        (uint)f["signedPreKeyId"]!,
        PublicKey.Deserialize((byte[])f["signedPreKeyPublic"]!),
        (byte[])f["signedPreKeySignature"]!,
        PublicKey.Deserialize((byte[])f["identityKey"]!),
        (uint)f["kyberPreKeyId"]!,
        KyberPublicKey.Deserialize((byte[])f["kyberPreKeyPublic"]!),
        (byte[])f["kyberPreKeySignature"]!);

    private static Dictionary<string, object?> Process(Dictionary<string, object?> fields, IdentityKeyPair local) => new(fields)
    {
        ["localIdentity"] = local.Serialize(),
        ["localRegistrationId"] = 77u,
        ["remoteName"] = "bob",
        ["remoteDeviceId"] = fields["deviceId"],
    };
}
