using E2EMessaging.Protocol.Keys;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Keys;

public sealed class KeyTests
{
    [Fact]
    public void Public_key_round_trips_with_its_type_byte()
    {
        PublicKey key = PrivateKey.Generate().GetPublicKey();
        byte[] serialized = key.Serialize();
        Assert.Equal(33, serialized.Length);
        Assert.Equal(0x05, serialized[0]);
        Assert.Equal(key, PublicKey.Deserialize(serialized));
        Assert.Equal(key, PublicKey.FromKeyBytes(key.KeyBytes));
        Assert.Equal(key.GetHashCode(), PublicKey.Deserialize(serialized).GetHashCode());
    }

    [Theory]
    [InlineData("", ProtocolErrorKind.InvalidKey)]
    [InlineData("05", ProtocolErrorKind.InvalidKey)]
    [InlineData("0a0102", ProtocolErrorKind.InvalidKeyType)]
    [InlineData("00", ProtocolErrorKind.InvalidKeyType)]
    [InlineData("08", ProtocolErrorKind.InvalidKeyType)]
    public void Bad_public_keys_are_typed_errors(string hex, ProtocolErrorKind kind)
    {
        Assert.Equal(kind, Assert.Throws<ProtocolException>(() => PublicKey.Deserialize(Convert.FromHexString(hex))).Kind);
    }

    [Fact]
    public void Wrong_lengths_are_refused()
    {
        byte[] key = PrivateKey.Generate().GetPublicKey().Serialize();
        Assert.Equal(ProtocolErrorKind.InvalidKey, Assert.Throws<ProtocolException>(() => PublicKey.Deserialize(key.AsSpan(0, 32))).Kind);
        Assert.Equal(ProtocolErrorKind.InvalidKey, Assert.Throws<ProtocolException>(() => PublicKey.Deserialize([.. key, 0])).Kind);
        Assert.Equal(ProtocolErrorKind.InvalidKey, Assert.Throws<ProtocolException>(() => PublicKey.FromKeyBytes(key)).Kind);
        Assert.Equal(ProtocolErrorKind.InvalidKey, Assert.Throws<ProtocolException>(() => PrivateKey.Deserialize(new byte[31])).Kind);
        Assert.Equal(ProtocolErrorKind.InvalidKey, Assert.Throws<ProtocolException>(() => PrivateKey.Deserialize(new byte[33])).Kind);
    }

    [Fact]
    public void Private_keys_are_clamped_on_the_way_in()
    {
        byte[] raw = Enumerable.Repeat((byte)0xFF, 32).ToArray();
        using PrivateKey key = PrivateKey.Deserialize(raw);
        byte[] clamped = key.Serialize();
        Assert.Equal(0xF8, clamped[0]);
        Assert.Equal(0x7F, clamped[31]);
        using PrivateKey zeros = PrivateKey.Deserialize(new byte[32]);
        Assert.Equal(0x40, zeros.Serialize()[31]);
    }

    [Fact]
    public void Agreement_is_symmetric()
    {
        using PrivateKey a = PrivateKey.Generate();
        using PrivateKey b = PrivateKey.Generate();
        byte[] ab = new byte[32];
        byte[] ba = new byte[32];
        a.CalculateAgreement(b.GetPublicKey(), ab);
        b.CalculateAgreement(a.GetPublicKey(), ba);
        Assert.Equal(ab, ba);
        Assert.Contains(ab, x => x != 0);
    }

    [Fact]
    public void Agreement_with_a_low_order_point_is_refused()
    {
        using PrivateKey a = PrivateKey.Generate();
        byte[] shared = new byte[32];
        Assert.Equal(ProtocolErrorKind.InvalidKeyAgreement, Assert.Throws<ProtocolException>(() => a.CalculateAgreement(PublicKey.FromKeyBytes(new byte[32]), shared)).Kind);
        Assert.All(shared, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Private_keys_never_print_and_are_wiped_on_dispose()
    {
        PrivateKey key = PrivateKey.Generate();
        Assert.Equal("PrivateKey", key.ToString());
        key.Dispose();
        Assert.Throws<ObjectDisposedException>(() => key.Serialize());
        Assert.Throws<ObjectDisposedException>(() => key.CalculateSignature([1]));
        IdentityKeyPair identity = IdentityKeyPair.Generate();
        Assert.DoesNotContain(Convert.ToHexString(identity.PrivateKey.Serialize()), identity.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Identity_key_pair_round_trips_and_refuses_a_mismatched_public_key()
    {
        using IdentityKeyPair identity = IdentityKeyPair.Generate();
        byte[] serialized = identity.Serialize();
        using IdentityKeyPair back = IdentityKeyPair.Deserialize(serialized);
        Assert.Equal(identity.PublicKey, back.PublicKey);
        Assert.Equal(identity.PrivateKey.Serialize(), back.PrivateKey.Serialize());

        // Swap in another public key: field 1 is the 33-byte public key at offset 2.
        byte[] other = PrivateKey.Generate().GetPublicKey().Serialize();
        other.CopyTo(serialized, 2);
        Assert.Equal(ProtocolErrorKind.InvalidKey, Assert.Throws<ProtocolException>(() => IdentityKeyPair.Deserialize(serialized)).Kind);
    }

    [Fact]
    public void Protocol_address_validates_and_compares()
    {
        Assert.Equal(new ProtocolAddress("alice", 1), new ProtocolAddress("alice", 1));
        Assert.NotEqual(new ProtocolAddress("alice", 1), new ProtocolAddress("alice", 2));
        Assert.Equal("alice.7", new ProtocolAddress("alice", 7).ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProtocolAddress("alice", 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProtocolAddress("alice", 128));
        Assert.Throws<ArgumentException>(() => new ProtocolAddress("", 1));
    }
}
