using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace E2EMessaging.Protocol.Kem;

/// <summary>
/// ByteEncode / ByteDecode (FIPS 203, Algorithms 5 and 6) and Compress / Decompress (section 4.2.1).
/// </summary>
/// <remarks>
/// Compression rounds x·2^d / q without a division instruction: an integer division's running time can depend on
/// its operands, which leaked Kyber secrets in practice (KyberSlash). We multiply by a fixed-point reciprocal
/// instead; the test suite checks the result for every x and d.
/// </remarks>
internal static class MlKemEncoding
{
    private const int Q = MlKemArithmetic.Q;
    private const int N = MlKemArithmetic.N;

    // floor(n / q) = (n · ReciprocalMultiplier) >> ReciprocalShift for every 0 <= n < q·2^11 (tested exhaustively).
    private const ulong ReciprocalMultiplier = 2580335; // ceil(2^33 / q)
    private const int ReciprocalShift = 33;

    /// <summary>Compress_d(x) = round(2^d / q · x) mod 2^d for x in [0, q) and 1 &lt;= d &lt;= 11, in constant time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Compress(int d, int x)
    {
        // round(x·2^d / q) = floor((x·2^d + (q-1)/2) / q) because q is odd, so there are no ties.
        ulong n = (ulong)(uint)((x << d) + ((Q - 1) / 2));
        return (int)((n * ReciprocalMultiplier) >> ReciprocalShift) & ((1 << d) - 1);
    }

    /// <summary>Decompress_d(y) = round(q / 2^d · y), ties rounded up, for y in [0, 2^d).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Decompress(int d, int y) => ((y * Q) + (1 << (d - 1))) >> d;

    /// <summary>ByteEncode_12 of 256 coefficients in [0, q) into 384 bytes.</summary>
    public static void Encode12(ReadOnlySpan<short> f, Span<byte> bytes)
    {
        Debug.Assert(f.Length == N && bytes.Length == MlKemParameters.EncodedPolynomialLength);
        for (int i = 0; i < N / 2; i++)
        {
            int a = f[2 * i];
            int b = f[(2 * i) + 1];
            bytes[3 * i] = (byte)a;
            bytes[(3 * i) + 1] = (byte)((a >> 8) | (b << 4));
            bytes[(3 * i) + 2] = (byte)(b >> 4);
        }
    }

    /// <summary>
    /// ByteDecode_12 of 384 bytes: 12-bit values reduced modulo q (as FIPS 203 Algorithm 6 specifies for d = 12),
    /// in constant time, giving coefficients in [0, q).
    /// </summary>
    public static void Decode12(ReadOnlySpan<byte> bytes, Span<short> f)
    {
        Debug.Assert(f.Length == N && bytes.Length == MlKemParameters.EncodedPolynomialLength);
        for (int i = 0; i < N / 2; i++)
        {
            int b0 = bytes[3 * i], b1 = bytes[(3 * i) + 1], b2 = bytes[(3 * i) + 2];
            f[2 * i] = SubtractQIfAtLeastQ(b0 | ((b1 & 0x0F) << 8));
            f[(2 * i) + 1] = SubtractQIfAtLeastQ((b1 >> 4) | (b2 << 4));
        }
    }

    /// <summary>
    /// Whether every 12-bit value in <paramref name="bytes"/> is below q: the modulus check of FIPS 203,
    /// section 7.2, ByteEncode_12(ByteDecode_12(ek)) = ek. Runs over the whole input either way.
    /// </summary>
    public static bool IsReduced12(ReadOnlySpan<byte> bytes)
    {
        Debug.Assert(bytes.Length % 3 == 0);
        int bad = 0;
        for (int i = 0; i + 2 < bytes.Length; i += 3)
        {
            int b0 = bytes[i], b1 = bytes[i + 1], b2 = bytes[i + 2];
            int a = b0 | ((b1 & 0x0F) << 8);
            int c = (b1 >> 4) | (b2 << 4);

            // (Q - 1 - x) is negative exactly when x >= q.
            bad |= (Q - 1 - a) | (Q - 1 - c);
        }

        return bad >= 0;
    }

    /// <summary>ByteEncode_d(Compress_d(f)) for coefficients in [0, q): 32·d bytes.</summary>
    public static void CompressAndEncode(int d, ReadOnlySpan<short> f, Span<byte> bytes)
    {
        Debug.Assert(f.Length == N && bytes.Length == 32 * d && d is >= 1 and <= 11);
        ulong buffer = 0;
        int bits = 0;
        int o = 0;
        for (int i = 0; i < N; i++)
        {
            buffer |= (ulong)(uint)Compress(d, f[i]) << bits;
            bits += d;

            // The loop count depends only on d and i, never on the coefficients.
            while (bits >= 8)
            {
                bytes[o++] = (byte)buffer;
                buffer >>= 8;
                bits -= 8;
            }
        }
    }

    /// <summary>Decompress_d(ByteDecode_d(bytes)) from 32·d bytes: coefficients in [0, q).</summary>
    public static void DecodeAndDecompress(int d, ReadOnlySpan<byte> bytes, Span<short> f)
    {
        Debug.Assert(f.Length == N && bytes.Length == 32 * d && d is >= 1 and <= 11);
        ulong buffer = 0;
        int bits = 0;
        int o = 0;
        int mask = (1 << d) - 1;
        for (int i = 0; i < N; i++)
        {
            while (bits < d)
            {
                buffer |= (ulong)bytes[o++] << bits;
                bits += 8;
            }

            f[i] = (short)Decompress(d, (int)buffer & mask);
            buffer >>= d;
            bits -= d;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static short SubtractQIfAtLeastQ(int x)
    {
        x -= Q;
        x += (x >> 31) & Q;
        return (short)x;
    }
}
