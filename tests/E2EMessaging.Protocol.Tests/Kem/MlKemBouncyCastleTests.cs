using System.Security.Cryptography;
using E2EMessaging.Protocol.Kem;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Kem;

/// <summary>
/// Differential tests against BouncyCastle.Cryptography 2.7.0's ML-KEM: byte-equal key generation,
/// encapsulation and decapsulation on 1,000 random seeds each for ML-KEM-768 and ML-KEM-1024, keys of either
/// implementation decapsulating the other's ciphertexts, and round-3 Kyber-1024 as ML-KEM plus round-3 hashing.
/// </summary>
public sealed class MlKemBouncyCastleTests
{
    private const int Iterations = 1000;

    public static TheoryData<int> Ranks => new() { 3, 4 };

    [Theory]
    [MemberData(nameof(Ranks))]
    public void MatchesBouncyCastleOnRandomSeeds(int k)
    {
        MlKemParameters p = k == 3 ? MlKemParameters.MlKem768 : MlKemParameters.MlKem1024;
        var random = new Random(20_000 + k);
        byte[] d = new byte[32], z = new byte[32], m = new byte[32], m2 = new byte[32];
        byte[] ek = new byte[p.EncapsulationKeyLength];
        byte[] dk = new byte[p.DecapsulationKeyLength];
        byte[] ciphertext = new byte[p.CiphertextLength];
        byte[] key = new byte[32];
        byte[] decapsulated = new byte[32];

        for (int i = 0; i < Iterations; i++)
        {
            random.NextBytes(d);
            random.NextBytes(z);
            random.NextBytes(m);
            random.NextBytes(m2);

            MlKem.GenerateKeyPair(p, d, z, ek, dk, MlKemVariant.Fips203);
            (byte[] bcEk, byte[] bcDk) = BouncyCastleMlKem.GenerateKeyPair(p, d, z);
            Assert.Equal(bcEk, ek);
            Assert.Equal(bcDk, dk);

            // Ours encapsulates, BouncyCastle decapsulates.
            MlKem.Encapsulate(p, ek, m, ciphertext, key);
            (byte[] bcCiphertext, byte[] bcKey) = BouncyCastleMlKem.Encapsulate(p, ek, m);
            Assert.Equal(bcCiphertext, ciphertext);
            Assert.Equal(bcKey, key);
            Assert.Equal(key, BouncyCastleMlKem.Decapsulate(p, dk, ciphertext));

            // BouncyCastle encapsulates, ours decapsulates.
            (bcCiphertext, bcKey) = BouncyCastleMlKem.Encapsulate(p, bcEk, m2);
            MlKem.Decapsulate(p, dk, bcCiphertext, decapsulated);
            Assert.Equal(bcKey, decapsulated);

            // Every 16th round, both reject a tampered ciphertext the same way.
            if (i % 16 == 0)
            {
                bcCiphertext[random.Next(bcCiphertext.Length)] ^= (byte)(1 << random.Next(8));
                MlKem.Decapsulate(p, dk, bcCiphertext, decapsulated);
                Assert.Equal(BouncyCastleMlKem.Decapsulate(p, dk, bcCiphertext), decapsulated);
            }
        }
    }

    [Fact]
    public void BouncyCastleKeyPairGeneratorDrawsDThenZ()
    {
        byte[] seed = RandomNumberGenerator.GetBytes(64);
        var generator = new MLKemKeyPairGenerator();
        generator.Init(new MLKemKeyGenerationParameters(new BouncyCastleMlKem.FixedSecureRandom(seed), MLKemParameters.ml_kem_1024));
        var pair = generator.GenerateKeyPair();

        MlKemParameters p = MlKemParameters.MlKem1024;
        byte[] ek = new byte[p.EncapsulationKeyLength];
        byte[] dk = new byte[p.DecapsulationKeyLength];
        MlKem.GenerateKeyPair(p, seed.AsSpan(0, 32), seed.AsSpan(32), ek, dk, MlKemVariant.Fips203);

        Assert.Equal(((MLKemPublicKeyParameters)pair.Public).GetEncoded(), ek);
        Assert.Equal(((MLKemPrivateKeyParameters)pair.Private).GetEncoded(), dk);
    }

    [Fact]
    public void Kyber1024IsBouncyCastleMlKem1024WithRound3Hashing()
    {
        // As /shared/kat/README.md states: feed ML-KEM SHA3-256(m), then K = SHAKE256(K' || SHA3-256(c))[..32].
        var random = new Random(7);
        byte[] d = new byte[32], z = new byte[32], m = new byte[32];
        for (int i = 0; i < 50; i++)
        {
            random.NextBytes(d);
            random.NextBytes(z);
            random.NextBytes(m);
            (byte[] ek, byte[] dk) = BouncyCastleMlKem.GenerateKeyPair(MlKemParameters.MlKem1024, d, z);

            byte[] ciphertext = new byte[Kyber1024.CiphertextLength];
            byte[] secret = new byte[Kyber1024.SharedSecretLength];
            Kyber1024.Encapsulate(ek, m, ciphertext, secret);

            (byte[] bcCiphertext, byte[] bcKey) = BouncyCastleMlKem.Encapsulate(MlKemParameters.MlKem1024, ek, SHA3_256.HashData(m));
            Assert.Equal(bcCiphertext, ciphertext);
            Assert.Equal(Shake256.HashData([.. bcKey, .. SHA3_256.HashData(bcCiphertext)], 32), secret);

            byte[] decapsulated = new byte[32];
            Kyber1024.Decapsulate(dk, ciphertext, decapsulated);
            Assert.Equal(secret, decapsulated);
        }
    }
}
