using System.Numerics;
using E2EMessaging.Protocol.Crypto;
using E2EMessaging.Protocol.Keys;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Crypto;

public sealed class XEdDsaTests
{
    // Known answer from libsignal's curve25519 tests (test_signature): Alice's identity key signs her
    // serialized ephemeral public key. XEdDSA signatures are randomized, so the vector checks verification
    // and key derivation; signing is checked by round trips here and against libsignal in the interop tests.
    private static readonly byte[] AlicePrivate = Convert.FromHexString("c097248412e58bf05df487968205132794178e367637f5818f81e0e6ce73e865");
    private static readonly byte[] AlicePublic = Convert.FromHexString("ab7e717d4a163b7d9a1d8071dfe9dcf8cdcd1cea3339b6356be84d887e322c64");
    private static readonly byte[] AliceEphemeral = Convert.FromHexString("05edce9d9c415ca78cb7252e72c2c4a554d3eb29485a0e1d503118d1a82d99fb4a");
    private static readonly byte[] AliceSignature = Convert.FromHexString(
        "5de88ca9a89b4a115da79109c67c9c7464a3e4180274f1cb8c63c2984e286dfbede82deb9dcd9fae0bfbb821569b3d9001bd8130cd11d486cef047bd60b86e88");

    private static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;

    [Fact]
    public void Libsignal_vector_derives_the_public_key_and_verifies()
    {
        using PrivateKey key = PrivateKey.Deserialize(AlicePrivate);
        Assert.Equal(AlicePublic, key.GetPublicKey().KeyBytes.ToArray());
        Assert.True(PublicKey.FromKeyBytes(AlicePublic).VerifySignature(AliceEphemeral, AliceSignature));
    }

    [Fact]
    public void Libsignal_vector_fails_with_any_flipped_bit()
    {
        PublicKey key = PublicKey.FromKeyBytes(AlicePublic);
        for (int bit = 0; bit < AliceSignature.Length * 8; bit++)
        {
            byte[] signature = (byte[])AliceSignature.Clone();
            signature[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(key.VerifySignature(AliceEphemeral, signature), $"bit {bit}");
        }

        for (int bit = 0; bit < AliceEphemeral.Length * 8; bit++)
        {
            byte[] message = (byte[])AliceEphemeral.Clone();
            message[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(key.VerifySignature(message, AliceSignature), $"message bit {bit}");
        }
    }

    [Property(MaxTest = 200)]
    public void Signatures_verify_and_carry_the_edwards_sign_bit(byte[] message)
    {
        using PrivateKey key = PrivateKey.Generate();
        byte[] signature = key.CalculateSignature(message);
        Assert.Equal(64, signature.Length);
        Assert.True(key.GetPublicKey().VerifySignature(message, signature));
        Assert.False(PrivateKey.Generate().GetPublicKey().VerifySignature(message, signature));
    }

    [Fact]
    public void Both_sign_bits_occur()
    {
        // Half of all keys have an Edwards point with the sign bit set; libsignal's variant carries it in byte 63.
        int set = 0;
        for (int i = 0; i < 64; i++)
        {
            using PrivateKey key = PrivateKey.Generate();
            byte[] signature = key.CalculateSignature([1, 2, 3]);
            Assert.True(key.GetPublicKey().VerifySignature([1, 2, 3], signature));
            set += signature[63] >> 7;
        }

        Assert.InRange(set, 1, 63);
    }

    [Fact]
    public void Long_messages_sign_through_the_pooled_buffer()
    {
        byte[] message = new byte[64 * 1024];
        Random.Shared.NextBytes(message);
        using PrivateKey key = PrivateKey.Generate();
        byte[] signature = key.CalculateSignature(message);
        Assert.True(key.GetPublicKey().VerifySignature(message, signature));
        message[^1] ^= 1;
        Assert.False(key.GetPublicKey().VerifySignature(message, signature));
    }

    [Fact]
    public void Signing_is_deterministic_in_its_randomness()
    {
        using PrivateKey key = PrivateKey.Generate();
        byte[] a = key.CalculateSignature([9], new FixedRandom(7));
        byte[] b = key.CalculateSignature([9], new FixedRandom(7));
        byte[] c = key.CalculateSignature([9], new FixedRandom(8));
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Malformed_signatures_are_refused()
    {
        using PrivateKey key = PrivateKey.Generate();
        byte[] signature = key.CalculateSignature([1]);
        PublicKey publicKey = key.GetPublicKey();
        Assert.False(publicKey.VerifySignature([1], signature.AsSpan(0, 63)));
        Assert.False(publicKey.VerifySignature([1], [.. signature, 0]));
        Assert.False(publicKey.VerifySignature([1], new byte[64]));

        // libsignal refuses s with any of bits 253-254 set (bit 255 is the sign bit).
        byte[] highS = (byte[])signature.Clone();
        highS[63] |= 0x20;
        Assert.False(publicKey.VerifySignature([1], highS));
    }

    [Property(MaxTest = 300)]
    public void Montgomery_to_edwards_matches_big_integer_arithmetic(byte[] seed)
    {
        byte[] u = new byte[32];
        seed.AsSpan(0, Math.Min(32, seed.Length)).CopyTo(u);
        CheckConversion(u);
    }

    [Fact]
    public void Montgomery_to_edwards_edge_cases()
    {
        CheckConversion(new byte[32]); // u = 0 gives y = -1
        CheckConversion(ToBytes(1)); // y = 0
        CheckConversion(ToBytes(P - 1)); // no image
        CheckConversion(ToBytes(P)); // non-canonical 0
        CheckConversion(ToBytes(P + 1)); // non-canonical 1
        byte[] allOnes = Enumerable.Repeat((byte)0xFF, 32).ToArray(); // top bit ignored, 2^255 - 1 ≡ 18
        CheckConversion(allOnes);
    }

    private static void CheckConversion(byte[] u)
    {
        var value = new BigInteger(u.AsSpan(0, 32), isUnsigned: true) & ((BigInteger.One << 255) - 1);
        value %= P;
        byte[] y = new byte[32];
        bool converted = XEdDsa.TryConvertToEdwards(u, y);
        if ((value + 1) % P == 0)
        {
            Assert.False(converted);
            return;
        }

        Assert.True(converted);
        BigInteger expected = (value - 1 + P) % P * BigInteger.ModPow(value + 1, P - 2, P) % P;
        Assert.Equal(ToBytes(expected), y);
    }

    private static byte[] ToBytes(BigInteger value)
    {
        byte[] bytes = new byte[32];
        value.TryWriteBytes(bytes, out _, isUnsigned: true);
        return bytes;
    }
}
