using E2EMessaging.Protocol.Kem;
using FsCheck.Xunit;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Kem;

/// <summary>
/// Split encapsulation for ML-KEM Braid (signal.org/docs/specifications/mlkembraid): header ρ || H(ek) first,
/// then the encoded t̂. The two halves must give exactly the one-shot ciphertext and key, and the second half must
/// refuse a t̂ that does not hash, with ρ, to the header's H(ek).
/// </summary>
public sealed class MlKemSplitEncapsulationTests
{
    [Property(MaxTest = 100)]
    public void HalvesEqualOneShot(int seed)
    {
        var random = new Random(seed);
        foreach (MlKemParameters p in new[] { MlKemParameters.MlKem512, MlKemParameters.MlKem768, MlKemParameters.MlKem1024 })
        {
            (byte[] ek, _) = NewKeyPair(p, random);
            byte[] m = Bytes(random, 32);

            byte[] ciphertext = new byte[p.CiphertextLength];
            byte[] key = new byte[32];
            MlKem.Encapsulate(p, ek, m, ciphertext, key);

            byte[] header = Header(p, ek);
            byte[] ciphertext1 = new byte[p.Ciphertext1Length];
            byte[] ciphertext2 = new byte[p.Ciphertext2Length];
            byte[] key1 = new byte[32];
            using MlKemEncapsulationState state = MlKem.Encapsulate1(p, header, m, ciphertext1, key1);
            Assert.True(MlKem.TryEncapsulate2(state, ek.AsSpan(0, p.EncodedVectorLength), ciphertext2));

            Assert.Equal(key, key1);
            Assert.Equal(ciphertext, ciphertext1.Concat(ciphertext2).ToArray());
        }
    }

    [Property(MaxTest = 50)]
    public void WrongTHatIsRefused(int seed)
    {
        var random = new Random(seed);
        MlKemParameters p = MlKemParameters.MlKem768;
        (byte[] ek, _) = NewKeyPair(p, random);
        (byte[] other, _) = NewKeyPair(p, random);
        byte[] header = Header(p, ek);

        using MlKemEncapsulationState state = MlKem.Encapsulate1(p, header, Bytes(random, 32), new byte[p.Ciphertext1Length], new byte[32]);
        byte[] ciphertext2 = new byte[p.Ciphertext2Length];

        byte[] tampered = ek.AsSpan(0, p.EncodedVectorLength).ToArray();
        tampered[random.Next(tampered.Length)] ^= (byte)(1 << random.Next(8));
        Assert.False(MlKem.TryEncapsulate2(state, tampered, ciphertext2));
        Assert.False(MlKem.TryEncapsulate2(state, other.AsSpan(0, p.EncodedVectorLength), ciphertext2));
        Assert.All(ciphertext2, b => Assert.Equal(0, b));

        // A header with the wrong ρ refuses the right t̂ too.
        byte[] badHeader = header.ToArray();
        badHeader[0] ^= 1;
        using MlKemEncapsulationState badState = MlKem.Encapsulate1(p, badHeader, Bytes(random, 32), new byte[p.Ciphertext1Length], new byte[32]);
        Assert.False(MlKem.TryEncapsulate2(badState, ek.AsSpan(0, p.EncodedVectorLength), ciphertext2));
    }

    [Fact]
    public void StateWipesOnDisposeAndNeverPrintsSecrets()
    {
        MlKemParameters p = MlKemParameters.MlKem768;
        var random = new Random(5);
        (byte[] ek, _) = NewKeyPair(p, random);
        MlKemEncapsulationState state = MlKem.Encapsulate1(p, Header(p, ek), Bytes(random, 32), new byte[p.Ciphertext1Length], new byte[32]);
        Assert.Equal("MlKemEncapsulationState", state.ToString());
        Assert.Same(p, state.Parameters);

        state.Dispose();
        state.Dispose();
        Assert.Throws<ObjectDisposedException>(() => MlKem.TryEncapsulate2(state, ek.AsSpan(0, p.EncodedVectorLength), new byte[p.Ciphertext2Length]));
    }

    internal static (byte[] Ek, byte[] Dk) NewKeyPair(MlKemParameters p, Random random)
    {
        byte[] ek = new byte[p.EncapsulationKeyLength];
        byte[] dk = new byte[p.DecapsulationKeyLength];
        MlKem.GenerateKeyPair(p, Bytes(random, 32), Bytes(random, 32), ek, dk, MlKemVariant.Fips203);
        return (ek, dk);
    }

    internal static byte[] Bytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Header(MlKemParameters p, byte[] ek) =>
        [.. ek.AsSpan(p.EncodedVectorLength), .. System.Security.Cryptography.SHA3_256.HashData(ek)];
}
