using System.Security.Cryptography;
using E2EMessaging.Protocol.Kem;
using FsCheck.Xunit;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Kem;

/// <summary>
/// Hostile input: wrong lengths are argument errors, encapsulation keys with coefficients not below q fail the
/// FIPS 203 section 7.2 modulus check, and any ciphertext decapsulates without throwing, to the implicit-rejection
/// key when it is not genuine: J(z || c) for ML-KEM, SHAKE256(z || SHA3-256(c))[..32] for round-3 Kyber.
/// </summary>
public sealed class MlKemHostileInputTests
{
    [Fact]
    public void WrongLengthsThrowArgumentException()
    {
        MlKemParameters p = MlKemParameters.MlKem768;
        byte[] s32 = new byte[32], s31 = new byte[31], s33 = new byte[33];
        byte[] ek = new byte[p.EncapsulationKeyLength], dk = new byte[p.DecapsulationKeyLength], ct = new byte[p.CiphertextLength];
        MlKem.GenerateKeyPair(p, s32, s32, ek, dk, MlKemVariant.Fips203);

        Assert.Throws<ArgumentException>(() => MlKem.GenerateKeyPair(p, s31, s32, ek, dk, MlKemVariant.Fips203));
        Assert.Throws<ArgumentException>(() => MlKem.GenerateKeyPair(p, s32, s33, ek, dk, MlKemVariant.Fips203));
        Assert.Throws<ArgumentException>(() => MlKem.GenerateKeyPair(p, s32, s32, ek.AsSpan(1), dk, MlKemVariant.Fips203));
        Assert.Throws<ArgumentException>(() => MlKem.GenerateKeyPair(p, s32, s32, ek, new byte[dk.Length + 1], MlKemVariant.Fips203));
        Assert.Throws<ArgumentOutOfRangeException>(() => MlKem.GenerateKeyPair(p, s32, s32, ek, dk, (MlKemVariant)7));
        Assert.Throws<ArgumentException>(() => MlKem.Encapsulate(p, ek.AsSpan(1), s32, ct, s32));
        Assert.Throws<ArgumentException>(() => MlKem.Encapsulate(p, ek, s31, ct, s32));
        Assert.Throws<ArgumentException>(() => MlKem.Encapsulate(p, ek, s32, ct.AsSpan(1), s32));
        Assert.Throws<ArgumentException>(() => MlKem.Encapsulate(p, ek, s32, ct, s33));
        Assert.Throws<ArgumentException>(() => MlKem.Encapsulate(p, MlKemParameters.MlKem1024.EncapsulationKeyLength is var n ? new byte[n] : ek, s32, ct, s32));
        Assert.Throws<ArgumentException>(() => MlKem.Decapsulate(p, dk.AsSpan(1), ct, s32));
        Assert.Throws<ArgumentException>(() => MlKem.Decapsulate(p, dk, ct.AsSpan(1), s32));
        Assert.Throws<ArgumentException>(() => MlKem.Decapsulate(p, dk, new byte[ct.Length + 1], s32));
        Assert.Throws<ArgumentException>(() => MlKem.Decapsulate(p, dk, ct, s31));
        Assert.Throws<ArgumentException>(() => MlKem.Encapsulate1(p, s32, s32, new byte[p.Ciphertext1Length], s32));
        Assert.Throws<ArgumentException>(() => MlKem.Encapsulate1(p, new byte[64], s32, new byte[p.Ciphertext1Length + 1], s32));
        using (MlKemEncapsulationState state = MlKem.Encapsulate1(p, new byte[64], s32, new byte[p.Ciphertext1Length], s32))
        {
            Assert.Throws<ArgumentException>(() => MlKem.TryEncapsulate2(state, ek, new byte[p.Ciphertext2Length]));
            Assert.Throws<ArgumentException>(() => MlKem.TryEncapsulate2(state, ek.AsSpan(0, p.EncodedVectorLength), new byte[p.Ciphertext2Length - 1]));
        }

        Assert.False(MlKem.IsValidEncapsulationKey(p, ek.AsSpan(1)));

        byte[] pk = new byte[Kyber1024.PublicKeyLength], sk = new byte[Kyber1024.SecretKeyLength], kct = new byte[Kyber1024.CiphertextLength];
        Kyber1024.GenerateKeyPair(s32, s32, pk, sk);
        Assert.Throws<ArgumentException>(() => Kyber1024.GenerateKeyPair(s32, s32, pk.AsSpan(1), sk));
        Assert.Throws<ArgumentException>(() => Kyber1024.GenerateKeyPair(s33, s32, pk, sk));
        Assert.Throws<ArgumentException>(() => Kyber1024.Encapsulate(pk.AsSpan(1), s32, kct, s32));
        Assert.Throws<ArgumentException>(() => Kyber1024.Encapsulate(pk, s33, kct, s32));
        Assert.Throws<ArgumentException>(() => Kyber1024.Encapsulate(pk, s32, kct.AsSpan(1), s32));
        Assert.Throws<ArgumentException>(() => Kyber1024.Encapsulate(pk, s32, kct, s31));
        Assert.Throws<ArgumentException>(() => Kyber1024.Decapsulate(sk.AsSpan(1), kct, s32));
        Assert.Throws<ArgumentException>(() => Kyber1024.Decapsulate(sk, kct.AsSpan(1), s32));
        Assert.Throws<ArgumentException>(() => Kyber1024.Decapsulate(sk, kct, s33));
        Assert.Throws<ArgumentNullException>(() => Kyber1024.Encapsulate(pk, (IRandomSource)null!, kct, s32));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(767)]
    [InlineData(1023)]
    public void ModulusCheckCatchesEveryOutOfRangeCoefficient(int coefficient)
    {
        MlKemParameters p = MlKemParameters.MlKem1024;
        (byte[] ek, _) = MlKemSplitEncapsulationTests.NewKeyPair(p, new Random(coefficient));
        Assert.True(MlKem.IsValidEncapsulationKey(p, ek));

        foreach (int value in new[] { 3329, 3330, 4095 })
        {
            byte[] bad = ek.ToArray();
            int offset = 3 * (coefficient / 2);
            if (coefficient % 2 == 0)
            {
                bad[offset] = (byte)value;
                bad[offset + 1] = (byte)((bad[offset + 1] & 0xF0) | (value >> 8));
            }
            else
            {
                bad[offset + 1] = (byte)((bad[offset + 1] & 0x0F) | ((value & 0x0F) << 4));
                bad[offset + 2] = (byte)(value >> 4);
            }

            Assert.False(MlKem.IsValidEncapsulationKey(p, bad));
            Assert.Throws<ArgumentException>(() => MlKem.Encapsulate(p, bad, new byte[32], new byte[p.CiphertextLength], new byte[32]));
            Assert.Throws<ArgumentException>(() => Kyber1024.Encapsulate(bad, new byte[32], new byte[Kyber1024.CiphertextLength], new byte[32]));
        }

        // The largest in-range value passes.
        byte[] edge = ek.ToArray();
        edge[0] = 3328 & 0xFF;
        edge[1] = (byte)((edge[1] & 0xF0) | (3328 >> 8));
        Assert.True(MlKem.IsValidEncapsulationKey(p, edge));
    }

    [Property(MaxTest = 60)]
    public void MutatedAndRandomCiphertextsGiveTheRejectionKey(int seed)
    {
        var random = new Random(seed);
        foreach (MlKemParameters p in new[] { MlKemParameters.MlKem512, MlKemParameters.MlKem768, MlKemParameters.MlKem1024 })
        {
            (byte[] ek, byte[] dk) = MlKemSplitEncapsulationTests.NewKeyPair(p, random);
            byte[] ciphertext = new byte[p.CiphertextLength];
            byte[] key = new byte[32];
            MlKem.Encapsulate(p, ek, MlKemSplitEncapsulationTests.Bytes(random, 32), ciphertext, key);

            byte[] mutated = ciphertext.ToArray();
            mutated[random.Next(mutated.Length)] ^= (byte)(1 << random.Next(8));
            byte[] noise = MlKemSplitEncapsulationTests.Bytes(random, p.CiphertextLength);

            foreach (byte[] hostile in new[] { mutated, noise })
            {
                byte[] decapsulated = new byte[32];
                MlKem.Decapsulate(p, dk, hostile, decapsulated);
                Assert.Equal(Shake256.HashData([.. dk.AsSpan(dk.Length - 32), .. hostile], 32), decapsulated);
            }
        }
    }

    [Property(MaxTest = 60)]
    public void Kyber1024RejectsIntoShake256OfZAndHashedCiphertext(int seed)
    {
        var random = new Random(seed);
        byte[] pk = new byte[Kyber1024.PublicKeyLength], sk = new byte[Kyber1024.SecretKeyLength];
        Kyber1024.GenerateKeyPair(MlKemSplitEncapsulationTests.Bytes(random, 32), MlKemSplitEncapsulationTests.Bytes(random, 32), pk, sk);
        byte[] ciphertext = new byte[Kyber1024.CiphertextLength];
        byte[] secret = new byte[32];
        Kyber1024.Encapsulate(pk, MlKemSplitEncapsulationTests.Bytes(random, 32), ciphertext, secret);

        byte[] decapsulated = new byte[32];
        Kyber1024.Decapsulate(sk, ciphertext, decapsulated);
        Assert.Equal(secret, decapsulated);

        byte[] mutated = ciphertext.ToArray();
        mutated[random.Next(mutated.Length)] ^= (byte)(1 << random.Next(8));
        byte[] z = sk.AsSpan(Kyber1024.SecretKeyLength - 32).ToArray();
        foreach (byte[] hostile in new[] { mutated, MlKemSplitEncapsulationTests.Bytes(random, Kyber1024.CiphertextLength) })
        {
            Kyber1024.Decapsulate(sk, hostile, decapsulated);
            Assert.Equal(Shake256.HashData([.. z, .. SHA3_256.HashData(hostile)], 32), decapsulated);
            Assert.NotEqual(secret, decapsulated);
        }
    }

    [Fact]
    public void Round3AndFips203KeyGenerationDifferOnlyInTheDomainByte()
    {
        byte[] d = RandomNumberGenerator.GetBytes(32), z = RandomNumberGenerator.GetBytes(32);
        MlKemParameters p = MlKemParameters.MlKem1024;
        byte[] ek1 = new byte[p.EncapsulationKeyLength], dk1 = new byte[p.DecapsulationKeyLength];
        byte[] ek2 = new byte[p.EncapsulationKeyLength], dk2 = new byte[p.DecapsulationKeyLength];
        MlKem.GenerateKeyPair(p, d, z, ek1, dk1, MlKemVariant.Fips203);
        Kyber1024.GenerateKeyPair(d, z, ek2, dk2);
        Assert.NotEqual(ek1, ek2);

        // Round 3's G(d) is SHA3-512(d); ρ is its first half and ends the public key.
        Assert.Equal(SHA3_512.HashData(d).AsSpan(0, 32).ToArray(), ek2.AsSpan(ek2.Length - 32).ToArray());
        Assert.Equal(SHA3_512.HashData([.. d, 4]).AsSpan(0, 32).ToArray(), ek1.AsSpan(ek1.Length - 32).ToArray());
    }
}
