using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;

namespace E2EMessaging.Protocol.Kem;

/// <summary>SampleNTT and SamplePolyCBD (FIPS 203, Algorithms 7 and 8) with their XOF and PRF.</summary>
internal static class MlKemSampling
{
    private const int Q = MlKemArithmetic.Q;
    private const int N = MlKemArithmetic.N;

    /// <summary>
    /// SampleNTT(ρ || first || second) (FIPS 203, Algorithm 7): rejection sampling of 12-bit values below q from
    /// SHAKE128. The input is public (the matrix Â), so the data-dependent loop is fine.
    /// </summary>
    public static void SampleNtt(ReadOnlySpan<byte> rho, byte first, byte second, Span<short> a)
    {
        Debug.Assert(rho.Length == MlKemParameters.SeedLength && a.Length == N);
        KeccakSponge xof = KeccakSponge.CreateShake128();
        xof.Absorb(rho);
        Span<byte> index = [first, second];
        xof.Absorb(index);

        Span<byte> block = stackalloc byte[Keccak.Shake128Rate];
        int count = 0;
        while (count < N)
        {
            xof.Squeeze(block);

            // The rate, 168 bytes, is a multiple of 3: no triple straddles two blocks.
            for (int p = 0; p < block.Length && count < N; p += 3)
            {
                int b0 = block[p], b1 = block[p + 1], b2 = block[p + 2];
                int d1 = b0 | ((b1 & 0x0F) << 8);
                int d2 = (b1 >> 4) | (b2 << 4);
                if (d1 < Q)
                {
                    a[count++] = (short)d1;
                }

                if (d2 < Q && count < N)
                {
                    a[count++] = (short)d2;
                }
            }
        }
    }

    /// <summary>
    /// SamplePolyCBD_η(PRF_η(seed, nonce)) (FIPS 203, Algorithm 8 with PRF = SHAKE256(seed || nonce), 64·η
    /// bytes): coefficients in [-η, η]. Constant time; wipes its PRF output.
    /// </summary>
    public static void SampleCbd(int eta, ReadOnlySpan<byte> seed, byte nonce, Span<short> f)
    {
        Debug.Assert(seed.Length == MlKemParameters.SeedLength && f.Length == N && eta is 2 or 3);
        Span<byte> buffer = stackalloc byte[64 * 3];
        buffer = buffer.Slice(0, 64 * eta);

        KeccakSponge prf = KeccakSponge.CreateShake256();
        prf.Absorb(seed);
        Span<byte> nonceBytes = [nonce];
        prf.Absorb(nonceBytes);
        prf.Squeeze(buffer);
        prf.Clear();

        if (eta == 2)
        {
            Cbd2(buffer, f);
        }
        else
        {
            Cbd3(buffer, f);
        }

        CryptographicOperations.ZeroMemory(buffer);
    }

    // η = 2: each coefficient takes 4 bits, x = b0 + b1 and y = b2 + b3, f = x - y.
    // Sum adjacent bit pairs of a 32-bit word at once, then read two 2-bit counts per coefficient.
    private static void Cbd2(ReadOnlySpan<byte> bytes, Span<short> f)
    {
        for (int i = 0; i < N / 8; i++)
        {
            uint t = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(4 * i));
            uint pairs = (t & 0x55555555u) + ((t >> 1) & 0x55555555u);
            for (int j = 0; j < 8; j++)
            {
                int x = (int)((pairs >> (4 * j)) & 3);
                int y = (int)((pairs >> ((4 * j) + 2)) & 3);
                f[(8 * i) + j] = (short)(x - y);
            }
        }
    }

    // η = 3: each coefficient takes 6 bits, x = b0 + b1 + b2 and y = b3 + b4 + b5.
    private static void Cbd3(ReadOnlySpan<byte> bytes, Span<short> f)
    {
        for (int i = 0; i < N / 4; i++)
        {
            uint t = bytes[3 * i] | ((uint)bytes[(3 * i) + 1] << 8) | ((uint)bytes[(3 * i) + 2] << 16);
            uint triples = (t & 0x249249u) + ((t >> 1) & 0x249249u) + ((t >> 2) & 0x249249u);
            for (int j = 0; j < 4; j++)
            {
                int x = (int)((triples >> (6 * j)) & 7);
                int y = (int)((triples >> ((6 * j) + 3)) & 7);
                f[(4 * i) + j] = (short)(x - y);
            }
        }
    }
}
