using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.PreKeys;
using Xunit;

namespace E2EMessaging.Protocol.Tests.PreKeys;

public sealed class PreKeyBundleTests
{
    private static readonly IdentityKeyPair Bob = IdentityKeyPair.Generate();
    private static readonly PreKeyRecord OneTime = PreKeyRecord.Generate(3);
    private static readonly SignedPreKeyRecord Signed = SignedPreKeyRecord.Generate(4, 1, Bob);
    private static readonly KyberPreKeyRecord Kyber = KyberPreKeyRecord.Generate(5, 1, Bob);

    [Fact]
    public void A_correctly_signed_bundle_is_accepted_with_or_without_a_one_time_prekey()
    {
        PreKeyBundle with = Make(signed: Signed.Signature.ToArray(), kyber: Kyber.Signature.ToArray());
        Assert.Equal(3u, with.PreKeyId);
        Assert.Equal(OneTime.PublicKey, with.PreKey);
        PreKeyBundle without = new(1, 2, null, null, 4, Signed.PublicKey, Signed.Signature.Span, Bob.PublicKey, 5, Kyber.PublicKey, Kyber.Signature.Span);
        Assert.Null(without.PreKeyId);
    }

    [Fact]
    public void Every_flipped_signature_bit_is_refused()
    {
        for (int bit = 0; bit < 512; bit += 7)
        {
            byte[] signed = Signed.Signature.ToArray();
            signed[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.Equal(ProtocolErrorKind.InvalidSignature, Assert.Throws<ProtocolException>(() => Make(signed, Kyber.Signature.ToArray())).Kind);
            byte[] kyber = Kyber.Signature.ToArray();
            kyber[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.Equal(ProtocolErrorKind.InvalidSignature, Assert.Throws<ProtocolException>(() => Make(Signed.Signature.ToArray(), kyber)).Kind);
        }
    }

    [Fact]
    public void Signatures_by_another_identity_or_over_the_other_key_are_refused()
    {
        using IdentityKeyPair mallory = IdentityKeyPair.Generate();
        byte[] forged = mallory.PrivateKey.CalculateSignature(Signed.PublicKey.Serialize());
        Assert.Equal(ProtocolErrorKind.InvalidSignature, Assert.Throws<ProtocolException>(() => Make(forged, Kyber.Signature.ToArray())).Kind);
        Assert.Equal(ProtocolErrorKind.InvalidSignature, Assert.Throws<ProtocolException>(() => Make(Kyber.Signature.ToArray(), Signed.Signature.ToArray())).Kind);
    }

    [Fact]
    public void Misuse_is_an_argument_error()
    {
        Assert.Throws<ArgumentException>(() => new PreKeyBundle(1, 2, 3, null, 4, Signed.PublicKey, Signed.Signature.Span, Bob.PublicKey, 5, Kyber.PublicKey, Kyber.Signature.Span));
        Assert.Throws<ArgumentException>(() => new PreKeyBundle(1, 2, null, OneTime.PublicKey, 4, Signed.PublicKey, Signed.Signature.Span, Bob.PublicKey, 5, Kyber.PublicKey, Kyber.Signature.Span));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PreKeyBundle(1, 0, null, null, 4, Signed.PublicKey, Signed.Signature.Span, Bob.PublicKey, 5, Kyber.PublicKey, Kyber.Signature.Span));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PreKeyBundle(1, 128, null, null, 4, Signed.PublicKey, Signed.Signature.Span, Bob.PublicKey, 5, Kyber.PublicKey, Kyber.Signature.Span));
    }

    private static PreKeyBundle Make(byte[] signed, byte[] kyber) =>
        new(1, 2, OneTime.Id, OneTime.PublicKey, Signed.Id, Signed.PublicKey, signed, Bob.PublicKey, Kyber.Id, Kyber.PublicKey, kyber);
}
