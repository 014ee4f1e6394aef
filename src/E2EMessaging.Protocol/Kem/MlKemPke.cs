using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace E2EMessaging.Protocol.Kem;

/// <summary>
/// K-PKE, the public-key encryption inside ML-KEM (FIPS 203, section 5), with encryption split so that u (which
/// needs only ρ) and v (which needs t̂) can be computed at different times.
/// </summary>
/// <remarks>
/// The matrix Â is never stored: each entry is sampled when it is needed, so a matrix-vector product keeps one
/// polynomial of Â and one accumulator on the stack. Â[i, j] = SampleNTT(ρ || j || i) (Algorithm 13, line 6).
/// </remarks>
internal static class MlKemPke
{
    private const int N = MlKemArithmetic.N;
    private const int MaxK = 4;
    private const int PolyBytes = MlKemParameters.EncodedPolynomialLength;

    /// <summary>
    /// K-PKE.KeyGen(d) (FIPS 203, Algorithm 13), or round-3 Kyber's when <paramref name="variant"/> says so:
    /// writes ek = ByteEncode_12(t̂) || ρ and dk = ByteEncode_12(ŝ).
    /// </summary>
    public static void GenerateKeyPair(MlKemParameters p, ReadOnlySpan<byte> d, MlKemVariant variant, Span<byte> ek, Span<byte> dk)
    {
        int k = p.K;
        Debug.Assert(d.Length == MlKemParameters.SeedLength && ek.Length == p.EncapsulationKeyLength && dk.Length == p.EncodedVectorLength);

        Span<byte> rhoSigma = stackalloc byte[64];
        Span<short> s = stackalloc short[MaxK * N];
        Span<short> a = stackalloc short[N];
        Span<short> e = stackalloc short[N];
        Span<int> acc = stackalloc int[N];
        s = s.Slice(0, k * N);
        try
        {
            // (ρ, σ) = G(d || k) for FIPS 203; round 3 hashes d alone.
            KeccakSponge g = KeccakSponge.CreateSha3_512();
            g.Absorb(d);
            if (variant == MlKemVariant.Fips203)
            {
                Span<byte> rank = [(byte)k];
                g.Absorb(rank);
            }

            g.Squeeze(rhoSigma);
            g.Clear();
            ReadOnlySpan<byte> rho = rhoSigma.Slice(0, 32);
            ReadOnlySpan<byte> sigma = rhoSigma.Slice(32, 32);

            // ŝ = NTT(s), s[i] from PRF(σ, i).
            for (int i = 0; i < k; i++)
            {
                Span<short> si = s.Slice(i * N, N);
                MlKemSampling.SampleCbd(p.Eta1, sigma, (byte)i, si);
                MlKemArithmetic.Ntt(si);
            }

            // t̂[i] = Σ_j Â[i, j] ∘ ŝ[j] + ê[i], e[i] from PRF(σ, k + i).
            for (int i = 0; i < k; i++)
            {
                acc.Clear();
                for (int j = 0; j < k; j++)
                {
                    MlKemSampling.SampleNtt(rho, (byte)j, (byte)i, a);
                    MlKemArithmetic.MultiplyAccumulate(a, s.Slice(j * N, N), acc);
                }

                MlKemSampling.SampleCbd(p.Eta1, sigma, (byte)(k + i), e);
                MlKemArithmetic.Ntt(e);
                MlKemArithmetic.ReduceAccumulatorToPlain(acc, a);
                for (int c = 0; c < N; c++)
                {
                    a[c] = MlKemArithmetic.ToCanonical(a[c] + e[c]);
                }

                MlKemEncoding.Encode12(a, ek.Slice(i * PolyBytes, PolyBytes));
            }

            rho.CopyTo(ek.Slice(k * PolyBytes));

            for (int i = 0; i < k; i++)
            {
                Span<short> si = s.Slice(i * N, N);
                for (int c = 0; c < N; c++)
                {
                    si[c] = MlKemArithmetic.ToCanonical(si[c]);
                }

                MlKemEncoding.Encode12(si, dk.Slice(i * PolyBytes, PolyBytes));
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(rhoSigma);
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(s));
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(e));
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(a));
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(acc));
        }
    }

    /// <summary>
    /// The randomness vector of K-PKE.Encrypt (FIPS 203, Algorithm 14, lines 9-12 and 18): r̂ = NTT(r),
    /// r[i] from PRF(coins, i). <paramref name="rHat"/> holds k polynomials.
    /// </summary>
    public static void SampleRHat(MlKemParameters p, ReadOnlySpan<byte> coins, Span<short> rHat)
    {
        Debug.Assert(rHat.Length == p.K * N);
        for (int i = 0; i < p.K; i++)
        {
            Span<short> ri = rHat.Slice(i * N, N);
            MlKemSampling.SampleCbd(p.Eta1, coins, (byte)i, ri);
            MlKemArithmetic.Ntt(ri);
        }
    }

    /// <summary>
    /// The first ciphertext part (FIPS 203, Algorithm 14, lines 13-19 and 22): u = NTT^-1(Âᵀ ∘ r̂) + e1 with
    /// e1[i] from PRF(coins, k + i), c1 = ByteEncode_du(Compress_du(u)). Needs ρ but not t̂.
    /// </summary>
    public static void EncryptU(MlKemParameters p, ReadOnlySpan<byte> rho, ReadOnlySpan<short> rHat, ReadOnlySpan<byte> coins, Span<byte> c1)
    {
        int k = p.K;
        int blockLength = 32 * p.Du;
        Debug.Assert(rHat.Length == k * N && c1.Length == p.Ciphertext1Length);

        Span<short> a = stackalloc short[N];
        Span<short> e = stackalloc short[N];
        Span<int> acc = stackalloc int[N];
        try
        {
            for (int i = 0; i < k; i++)
            {
                // (Âᵀ)[i, j] = Â[j, i] = SampleNTT(ρ || i || j).
                acc.Clear();
                for (int j = 0; j < k; j++)
                {
                    MlKemSampling.SampleNtt(rho, (byte)i, (byte)j, a);
                    MlKemArithmetic.MultiplyAccumulate(a, rHat.Slice(j * N, N), acc);
                }

                MlKemArithmetic.ReduceAccumulator(acc, a);
                MlKemArithmetic.InverseNtt(a);
                MlKemSampling.SampleCbd(p.Eta2, coins, (byte)(k + i), e);
                for (int c = 0; c < N; c++)
                {
                    a[c] = MlKemArithmetic.ToCanonical(a[c] + e[c]);
                }

                MlKemEncoding.CompressAndEncode(p.Du, a, c1.Slice(i * blockLength, blockLength));
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(a));
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(e));
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(acc));
        }
    }

    /// <summary>
    /// The second ciphertext part (FIPS 203, Algorithm 14, lines 2-3, 17, 20-21 and 23):
    /// v = NTT^-1(t̂ᵀ ∘ r̂) + e2 + Decompress_1(m), e2 from PRF(coins, 2k), c2 = ByteEncode_dv(Compress_dv(v)).
    /// </summary>
    public static void EncryptV(MlKemParameters p, ReadOnlySpan<byte> encodedTHat, ReadOnlySpan<short> rHat, ReadOnlySpan<byte> coins, ReadOnlySpan<byte> m, Span<byte> c2)
    {
        Span<short> e = stackalloc short[N];
        try
        {
            SampleError2(p, coins, e);
            EncryptV(p, encodedTHat, rHat, e, m, c2);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(e));
        }
    }

    /// <summary>e2 of K-PKE.Encrypt (FIPS 203, Algorithm 14, line 17): SamplePolyCBD_η2(PRF(coins, 2k)).</summary>
    public static void SampleError2(MlKemParameters p, ReadOnlySpan<byte> coins, Span<short> e2)
    {
        Debug.Assert(e2.Length == N);
        MlKemSampling.SampleCbd(p.Eta2, coins, (byte)(2 * p.K), e2);
    }

    /// <summary>
    /// <see cref="EncryptV(MlKemParameters, ReadOnlySpan{byte}, ReadOnlySpan{short}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/>
    /// with e2 given rather than sampled. Coefficients of r̂ and e2 must have absolute value below q.
    /// </summary>
    public static void EncryptV(MlKemParameters p, ReadOnlySpan<byte> encodedTHat, ReadOnlySpan<short> rHat, ReadOnlySpan<short> e2, ReadOnlySpan<byte> m, Span<byte> c2)
    {
        int k = p.K;
        Debug.Assert(encodedTHat.Length == p.EncodedVectorLength && rHat.Length == k * N && e2.Length == N && m.Length == 32 && c2.Length == p.Ciphertext2Length);

        Span<short> a = stackalloc short[N];
        Span<short> mu = stackalloc short[N];
        Span<int> acc = stackalloc int[N];
        try
        {
            acc.Clear();
            for (int j = 0; j < k; j++)
            {
                MlKemEncoding.Decode12(encodedTHat.Slice(j * PolyBytes, PolyBytes), a);
                MlKemArithmetic.MultiplyAccumulate(a, rHat.Slice(j * N, N), acc);
            }

            MlKemArithmetic.ReduceAccumulator(acc, a);
            MlKemArithmetic.InverseNtt(a);
            MlKemEncoding.DecodeAndDecompress(1, m, mu);
            for (int c = 0; c < N; c++)
            {
                a[c] = MlKemArithmetic.ToCanonical(a[c] + e2[c] + mu[c]);
            }

            MlKemEncoding.CompressAndEncode(p.Dv, a, c2);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(a));
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(mu));
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(acc));
        }
    }

    /// <summary>K-PKE.Encrypt(ek, m, coins) (FIPS 203, Algorithm 14) in one go.</summary>
    public static void Encrypt(MlKemParameters p, ReadOnlySpan<byte> ek, ReadOnlySpan<byte> m, ReadOnlySpan<byte> coins, Span<byte> ciphertext)
    {
        Debug.Assert(ek.Length == p.EncapsulationKeyLength && ciphertext.Length == p.CiphertextLength);
        Span<short> rHat = stackalloc short[MaxK * N];
        rHat = rHat.Slice(0, p.K * N);
        try
        {
            SampleRHat(p, coins, rHat);
            EncryptU(p, ek.Slice(p.EncodedVectorLength), rHat, coins, ciphertext.Slice(0, p.Ciphertext1Length));
            EncryptV(p, ek.Slice(0, p.EncodedVectorLength), rHat, coins, m, ciphertext.Slice(p.Ciphertext1Length));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(rHat));
        }
    }

    /// <summary>
    /// K-PKE.Decrypt(dk, c) (FIPS 203, Algorithm 15): w = v - NTT^-1(ŝᵀ ∘ NTT(u)), m = ByteEncode_1(Compress_1(w)).
    /// </summary>
    public static void Decrypt(MlKemParameters p, ReadOnlySpan<byte> dk, ReadOnlySpan<byte> ciphertext, Span<byte> m)
    {
        int k = p.K;
        int blockLength = 32 * p.Du;
        Debug.Assert(dk.Length == p.EncodedVectorLength && ciphertext.Length == p.CiphertextLength && m.Length == 32);

        Span<short> u = stackalloc short[N];
        Span<short> s = stackalloc short[N];
        Span<int> acc = stackalloc int[N];
        try
        {
            acc.Clear();
            for (int i = 0; i < k; i++)
            {
                MlKemEncoding.DecodeAndDecompress(p.Du, ciphertext.Slice(i * blockLength, blockLength), u);
                MlKemArithmetic.Ntt(u);
                MlKemEncoding.Decode12(dk.Slice(i * PolyBytes, PolyBytes), s);
                MlKemArithmetic.MultiplyAccumulate(s, u, acc);
            }

            MlKemArithmetic.ReduceAccumulator(acc, s);
            MlKemArithmetic.InverseNtt(s);
            MlKemEncoding.DecodeAndDecompress(p.Dv, ciphertext.Slice(p.Ciphertext1Length), u);
            for (int c = 0; c < N; c++)
            {
                s[c] = MlKemArithmetic.ToCanonical(u[c] - s[c]);
            }

            MlKemEncoding.CompressAndEncode(1, s, m);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(u));
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(s));
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(acc));
        }
    }
}
