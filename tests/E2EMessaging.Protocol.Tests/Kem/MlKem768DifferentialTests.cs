using System.Security.Cryptography;
using E2EMessaging.Protocol.Kem;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Kem;

/// <summary>
/// ML-KEM-768, the braid's KEM, against BouncyCastle.Cryptography 2.7.0 on 2,000 random seeds: key generation,
/// one-shot encapsulation, the split encapsulation (Encapsulate1 then TryEncapsulate2 must give BouncyCastle's
/// one-shot ciphertext and key), and decapsulation both ways including implicit rejection.
/// </summary>
/// <remarks>
/// What "constant time in structure" is checked here, since timing itself cannot be measured reliably in a unit
/// test: no input of the right length — garbage ciphertexts, headers and t̂ with out-of-range coefficients —
/// makes split encapsulation or decapsulation throw (so no exception can depend on a secret), and the managed
/// allocations of decapsulation and of both halves of encapsulation do not depend on the secret inputs or on
/// whether a ciphertext is accepted. The rest is by construction and review: the re-encryption check is
/// <see cref="CryptographicOperations.FixedTimeEquals"/> and the choice between K' and the rejection key is a
/// masked select (<c>MlKem.Select</c>); TryEncapsulate2 branches only on H(t̂ ‖ ρ) and on t̂, both public.
/// </remarks>
public sealed class MlKem768DifferentialTests
{
    private const int Seeds = 2000;

    private static readonly MlKemParameters P = MlKemParameters.MlKem768;

    [Fact]
    public void OneShotAndSplitEncapsulationMatchBouncyCastleOnRandomSeeds()
    {
        var random = new Random(768_2000);
        byte[] d = new byte[32], z = new byte[32], m = new byte[32];
        byte[] ek = new byte[P.EncapsulationKeyLength];
        byte[] dk = new byte[P.DecapsulationKeyLength];
        byte[] ciphertext = new byte[P.CiphertextLength];
        byte[] ciphertext1 = new byte[P.Ciphertext1Length];
        byte[] ciphertext2 = new byte[P.Ciphertext2Length];
        byte[] key = new byte[32];
        byte[] splitKey = new byte[32];
        byte[] decapsulated = new byte[32];

        for (int i = 0; i < Seeds; i++)
        {
            random.NextBytes(d);
            random.NextBytes(z);
            random.NextBytes(m);

            MlKem.GenerateKeyPair(P, d, z, ek, dk, MlKemVariant.Fips203);
            (byte[] bcEk, byte[] bcDk) = BouncyCastleMlKem.GenerateKeyPair(P, d, z);
            Assert.Equal(bcEk, ek);
            Assert.Equal(bcDk, dk);

            (byte[] bcCiphertext, byte[] bcKey) = BouncyCastleMlKem.Encapsulate(P, ek, m);

            MlKem.Encapsulate(P, ek, m, ciphertext, key);
            Assert.Equal(bcCiphertext, ciphertext);
            Assert.Equal(bcKey, key);

            using (MlKemEncapsulationState state = MlKem.Encapsulate1(P, Header(ek), m, ciphertext1, splitKey))
            {
                Assert.True(MlKem.TryEncapsulate2(state, ek.AsSpan(0, P.EncodedVectorLength), ciphertext2));
            }

            Assert.Equal(bcKey, splitKey);
            Assert.Equal(bcCiphertext.AsSpan(0, P.Ciphertext1Length).ToArray(), ciphertext1);
            Assert.Equal(bcCiphertext.AsSpan(P.Ciphertext1Length).ToArray(), ciphertext2);

            MlKem.Decapsulate(P, dk, bcCiphertext, decapsulated);
            Assert.Equal(bcKey, decapsulated);
            Assert.Equal(bcKey, BouncyCastleMlKem.Decapsulate(P, dk, ciphertext));

            // Every 8th seed, a flipped bit: both reject implicitly, with the same key J(z ‖ c).
            if (i % 8 == 0)
            {
                bcCiphertext[random.Next(bcCiphertext.Length)] ^= (byte)(1 << random.Next(8));
                MlKem.Decapsulate(P, dk, bcCiphertext, decapsulated);
                Assert.Equal(BouncyCastleMlKem.Decapsulate(P, dk, bcCiphertext), decapsulated);
                Assert.NotEqual(bcKey, decapsulated);
            }
        }
    }

    [Fact]
    public void NoInputOfTheRightLengthThrows()
    {
        var random = new Random(768);
        (byte[] ek, byte[] dk) = MlKemSplitEncapsulationTests.NewKeyPair(P, random);
        byte[] key = new byte[32];
        byte[] ciphertext1 = new byte[P.Ciphertext1Length];
        byte[] ciphertext2 = new byte[P.Ciphertext2Length];

        for (int i = 0; i < 200; i++)
        {
            // Garbage ciphertexts (any bytes, so compressed coefficients of every value) decapsulate to BouncyCastle's key.
            byte[] garbage = MlKemSplitEncapsulationTests.Bytes(random, P.CiphertextLength);
            MlKem.Decapsulate(P, dk, garbage, key);
            Assert.Equal(BouncyCastleMlKem.Decapsulate(P, dk, garbage), key);

            // Any header and message: the first half runs; a t̂ that does not match the header is refused, not thrown on.
            byte[] header = MlKemSplitEncapsulationTests.Bytes(random, MlKemParameters.HeaderLength);
            using (MlKemEncapsulationState state = MlKem.Encapsulate1(P, header, MlKemSplitEncapsulationTests.Bytes(random, 32), ciphertext1, key))
            {
                Assert.False(MlKem.TryEncapsulate2(state, MlKemSplitEncapsulationTests.Bytes(random, P.EncodedVectorLength), ciphertext2));
            }

            // A t̂ that matches its header's hash but has a coefficient ≥ q fails the modulus check: false, no exception.
            byte[] tHat = ek.AsSpan(0, P.EncodedVectorLength).ToArray();
            int coefficient = random.Next(P.EncodedVectorLength * 2 / 3);
            SetCoefficient(tHat, coefficient, 3329 + random.Next(4096 - 3329));
            byte[] rho = MlKemSplitEncapsulationTests.Bytes(random, 32);
            byte[] matchingHeader = [.. rho, .. SHA3_256.HashData([.. tHat, .. rho])];
            using (MlKemEncapsulationState state = MlKem.Encapsulate1(P, matchingHeader, MlKemSplitEncapsulationTests.Bytes(random, 32), ciphertext1, key))
            {
                Assert.False(MlKem.TryEncapsulate2(state, tHat, ciphertext2));
            }
        }
    }

    [Fact]
    public void AllocationsDoNotDependOnSecretsOrOnAcceptance()
    {
        var random = new Random(7680);
        (byte[] ek, byte[] dk) = MlKemSplitEncapsulationTests.NewKeyPair(P, random);
        byte[] key = new byte[32];
        byte[] valid = new byte[P.CiphertextLength];
        MlKem.Encapsulate(P, ek, MlKemSplitEncapsulationTests.Bytes(random, 32), valid, key);
        byte[] invalid = valid.ToArray();
        invalid[5] ^= 0x10;
        byte[] header = Header(ek);
        byte[] tHat = ek.AsSpan(0, P.EncodedVectorLength).ToArray();
        byte[] ciphertext1 = new byte[P.Ciphertext1Length];
        byte[] ciphertext2 = new byte[P.Ciphertext2Length];

        long Decapsulation(byte[] ciphertext) => Allocated(() => MlKem.Decapsulate(P, dk, ciphertext, key));
        long Encapsulation(byte[] m) => Allocated(() =>
        {
            using MlKemEncapsulationState state = MlKem.Encapsulate1(P, header, m, ciphertext1, key);
            MlKem.TryEncapsulate2(state, tHat, ciphertext2);
        });

        // Warm up (JIT, static initialisers), then compare.
        Decapsulation(valid);
        Decapsulation(invalid);
        Encapsulation(new byte[32]);
        Assert.Equal(Decapsulation(valid), Decapsulation(invalid));
        long encapsulation = Encapsulation(new byte[32]);
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(encapsulation, Encapsulation(MlKemSplitEncapsulationTests.Bytes(random, 32)));
            Assert.Equal(Decapsulation(valid), Decapsulation(MlKemSplitEncapsulationTests.Bytes(random, P.CiphertextLength)));
        }
    }

    private static long Allocated(Action action)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static byte[] Header(byte[] ek) =>
        [.. ek.AsSpan(P.EncodedVectorLength), .. SHA3_256.HashData(ek)];

    /// <summary>Writes a 12-bit value into the packed little-endian encoding (FIPS 203 ByteEncode_12).</summary>
    private static void SetCoefficient(byte[] encoded, int index, int value)
    {
        int bit = index * 12;
        for (int b = 0; b < 12; b++, bit++)
        {
            int mask = 1 << (bit % 8);
            encoded[bit / 8] = (byte)(((value >> b) & 1) != 0 ? encoded[bit / 8] | mask : encoded[bit / 8] & ~mask);
        }
    }
}
