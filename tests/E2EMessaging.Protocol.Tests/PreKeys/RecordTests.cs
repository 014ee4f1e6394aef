using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.PreKeys;
using Xunit;

namespace E2EMessaging.Protocol.Tests.PreKeys;

public sealed class RecordTests
{
    private static readonly IdentityKeyPair Identity = IdentityKeyPair.Generate();

    [Fact]
    public void Prekey_record_round_trips()
    {
        using PreKeyRecord record = PreKeyRecord.Generate(uint.MaxValue);
        using PreKeyRecord back = PreKeyRecord.Deserialize(record.Serialize());
        Assert.Equal(uint.MaxValue, back.Id);
        Assert.Equal(record.PublicKey, back.PublicKey);
        Assert.Equal(record.KeyPair.PrivateKey.Serialize(), back.KeyPair.PrivateKey.Serialize());
        Assert.Equal(record.Serialize(), back.Serialize());
    }

    [Fact]
    public void Signed_prekey_record_round_trips_and_is_signed_over_the_serialized_key()
    {
        using SignedPreKeyRecord record = SignedPreKeyRecord.Generate(5, ulong.MaxValue, Identity);
        Assert.True(Identity.PublicKey.VerifySignature(record.PublicKey.Serialize(), record.Signature.Span));
        using SignedPreKeyRecord back = SignedPreKeyRecord.Deserialize(record.Serialize());
        Assert.Equal(ulong.MaxValue, back.Timestamp);
        Assert.Equal(record.Signature.ToArray(), back.Signature.ToArray());
        Assert.Equal(record.Serialize(), back.Serialize());
    }

    [Fact]
    public void Kyber_prekey_record_round_trips_and_decapsulates()
    {
        using KyberPreKeyRecord record = KyberPreKeyRecord.Generate(9, 1234, Identity);
        Assert.Equal(1569, record.PublicKey.Serialize().Length);
        Assert.Equal(3169, record.KeyPair.SecretKey.Serialize().Length);
        Assert.True(Identity.PublicKey.VerifySignature(record.PublicKey.Serialize(), record.Signature.Span));

        using KyberPreKeyRecord back = KyberPreKeyRecord.Deserialize(record.Serialize());
        Assert.Equal(record.Serialize(), back.Serialize());

        byte[] ciphertext = new byte[1569];
        byte[] sent = new byte[32];
        byte[] received = new byte[32];
        record.PublicKey.Encapsulate(SystemRandomSource.Instance, ciphertext, sent);
        back.KeyPair.SecretKey.Decapsulate(ciphertext, received);
        Assert.Equal(sent, received);
        Assert.Equal(0x08, ciphertext[0]);

        ciphertext[0] = 0x0A;
        Assert.Equal(ProtocolErrorKind.InvalidCiphertext, Assert.Throws<ProtocolException>(() => back.KeyPair.SecretKey.Decapsulate(ciphertext, received)).Kind);
        Assert.Equal(ProtocolErrorKind.InvalidCiphertext, Assert.Throws<ProtocolException>(() => back.KeyPair.SecretKey.Decapsulate(ciphertext.AsSpan(0, 1568), received)).Kind);
    }

    [Fact]
    public void Ml_kem_1024_keys_are_refused_by_type()
    {
        byte[] key = KyberKeyPair.Generate().PublicKey.Serialize();
        key[0] = 0x0A;
        var error = Assert.Throws<ProtocolException>(() => KyberPublicKey.Deserialize(key));
        Assert.Equal(ProtocolErrorKind.InvalidKeyType, error.Kind);
        Assert.Contains("round-3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Kyber_public_key_with_out_of_range_coefficients_is_refused()
    {
        byte[] key = KyberKeyPair.Generate().PublicKey.Serialize();
        key[1] = 0xFF;
        key[2] |= 0x0F; // first 12-bit coefficient = 4095 > q
        Assert.Equal(ProtocolErrorKind.InvalidKey, Assert.Throws<ProtocolException>(() => KyberPublicKey.Deserialize(key)).Kind);
    }

    [Fact]
    public void Mismatched_kyber_pair_is_refused()
    {
        using KyberKeyPair a = KyberKeyPair.Generate();
        using KyberKeyPair b = KyberKeyPair.Generate();
        Assert.Equal(ProtocolErrorKind.InvalidKey, Assert.Throws<ProtocolException>(() => new KyberKeyPair(a.PublicKey, b.SecretKey)).Kind);
    }

    [Fact]
    public void Secrets_do_not_print()
    {
        using KyberKeyPair pair = KyberKeyPair.Generate();
        Assert.Equal("KyberSecretKey", pair.SecretKey.ToString());
        using PreKeyRecord record = PreKeyRecord.Generate(1);
        Assert.DoesNotContain(Convert.ToHexString(record.KeyPair.PrivateKey.Serialize()), record.ToString() + record.KeyPair.ToString(), StringComparison.OrdinalIgnoreCase);
    }
}
