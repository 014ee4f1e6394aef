using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace E2EMessaging.Protocol.Kem;

/// <summary>
/// Arithmetic in R_q = Z_q[X]/(X^256 + 1), q = 3329, and in its NTT representation T_q (FIPS 203, section 4.3).
/// </summary>
/// <remarks>
/// Coefficients are 16-bit signed integers, not necessarily reduced; the comments state the bound each step keeps.
/// Products use Montgomery reduction with R = 2^16, other reductions use a Barrett approximation of x / q.
/// All of it runs in time independent of the coefficient values: no branches on them, no table lookups by them.
/// </remarks>
internal static class MlKemArithmetic
{
    /// <summary>The modulus q.</summary>
    public const int Q = 3329;

    /// <summary>Coefficients per polynomial.</summary>
    public const int N = 256;

    // q^-1 mod 2^16 as a signed 16-bit value: 3329 · (-3327) ≡ 1 (mod 2^16).
    private const int QInverse = -3327;

    // round(2^26 / q), for the Barrett estimate of round(a / q).
    private const int BarrettMultiplier = 20159;

    // 2^32 mod q. A Montgomery product with it multiplies by 2^16, undoing the 2^-16 of an earlier product.
    private const short MontgomerySquare = 1353;

    // 2^32 / 128 mod q: the 128^-1 that ends the inverse NTT (FIPS 203, Algorithm 10, line 14), times the 2^16
    // that makes up for the 2^-16 left by the Montgomery products that always come before it.
    private const short InverseNttScale = 1441;

    // ζ^BitRev7(i) mod q for ζ = 17 (FIPS 203, section 4.3), in Montgomery form (times 2^16 mod q), centred.
    private static readonly short[] s_zetas = CreateZetas(gammas: false);

    // ζ^(2·BitRev7(i)+1) mod q: the γ of the base-case multiplication (FIPS 203, Algorithm 11), Montgomery form.
    private static readonly short[] s_gammas = CreateZetas(gammas: true);

    /// <summary>Returns a value ≡ a·2^-16 (mod q) with absolute value below q, for |a| &lt; q·2^15.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static short MontgomeryReduce(int a)
    {
        unchecked
        {
            // t ≡ a·q^-1 (mod 2^16), so a - t·q ≡ 0 (mod 2^16) and the shift divides exactly.
            short t = (short)(a * QInverse);
            return (short)((a - (t * Q)) >> 16);
        }
    }

    /// <summary>Returns a·b·2^-16 mod q with absolute value below q, for |a·b| &lt; q·2^15.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static short MontgomeryMultiply(short a, short b) => MontgomeryReduce(a * b);

    /// <summary>Returns a value ≡ a (mod q) in [-(q-1)/2, (q-1)/2] for any 16-bit a.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static short BarrettReduce(int a)
    {
        // t = round(a / q) computed as round(a · 2^26/q / 2^26); exact for every 16-bit a (tested exhaustively).
        int t = ((BarrettMultiplier * a) + (1 << 25)) >> 26;
        return (short)(a - (t * Q));
    }

    /// <summary>Returns a mod q in [0, q) for any 16-bit a, in constant time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static short ToCanonical(int a)
    {
        int r = BarrettReduce(a);
        r += (r >> 31) & Q;
        return (short)r;
    }

    /// <summary>
    /// NTT (FIPS 203, Algorithm 9) in place. Input coefficients must have absolute value below q;
    /// output coefficients are Barrett-reduced, in [-(q-1)/2, (q-1)/2].
    /// </summary>
    public static void Ntt(Span<short> f)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(f.Length, N);
        ReadOnlySpan<short> zetas = s_zetas;
        int i = 1;

        // Each layer grows the bound by at most q: below 8q = 26632 after seven layers, inside 16 bits.
        ref short coefficients = ref MemoryMarshal.GetReference(f);
        for (int length = 128; length >= 2; length >>= 1)
        {
            for (int start = 0; start < N; start += 2 * length)
            {
                short zeta = zetas[i++];

                // Indices stay inside the 256 coefficients asserted above: start + length + j < 256.
                ref short low = ref Unsafe.Add(ref coefficients, start);
                ref short high = ref Unsafe.Add(ref coefficients, start + length);
                for (int j = 0; j < length; j++)
                {
                    short t = MontgomeryMultiply(zeta, Unsafe.Add(ref high, j));
                    short a = Unsafe.Add(ref low, j);
                    Unsafe.Add(ref high, j) = (short)(a - t);
                    Unsafe.Add(ref low, j) = (short)(a + t);
                }
            }
        }

        for (int j = 0; j < f.Length; j++)
        {
            f[j] = BarrettReduce(f[j]);
        }
    }

    /// <summary>
    /// Inverse NTT (FIPS 203, Algorithm 10) in place, for input that carries the factor 2^-16 of a Montgomery
    /// product (as <see cref="MultiplyAccumulate"/> leaves it after <see cref="MontgomeryReduce"/>): the result
    /// is NTT^-1 of the true value. Input and output coefficients have absolute value below q.
    /// </summary>
    public static void InverseNtt(Span<short> f)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(f.Length, N);
        ReadOnlySpan<short> zetas = s_zetas;
        int i = 127;
        ref short coefficients = ref MemoryMarshal.GetReference(f);
        for (int length = 2; length <= 128; length <<= 1)
        {
            for (int start = 0; start < N; start += 2 * length)
            {
                short zeta = zetas[i--];
                ref short low = ref Unsafe.Add(ref coefficients, start);
                ref short high = ref Unsafe.Add(ref coefficients, start + length);
                for (int j = 0; j < length; j++)
                {
                    short t = Unsafe.Add(ref low, j);
                    short u = Unsafe.Add(ref high, j);
                    Unsafe.Add(ref low, j) = BarrettReduce(t + u);
                    Unsafe.Add(ref high, j) = MontgomeryMultiply(zeta, (short)(u - t));
                }
            }
        }

        for (int j = 0; j < f.Length; j++)
        {
            f[j] = MontgomeryMultiply(f[j], InverseNttScale);
        }
    }

    /// <summary>
    /// acc += a ×_T b (FIPS 203, Algorithms 11 and 12), unreduced: afterwards <see cref="MontgomeryReduce"/> of
    /// each entry gives (Σ a ×_T b)·2^-16. Coefficients of a and b must have absolute value below q; up to four
    /// products may be accumulated (each adds below 2q^2 per entry, and 8q^2 &lt; q·2^15).
    /// </summary>
    public static void MultiplyAccumulate(ReadOnlySpan<short> a, ReadOnlySpan<short> b, Span<int> acc)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(a.Length, N);
        ArgumentOutOfRangeException.ThrowIfNotEqual(b.Length, N);
        ArgumentOutOfRangeException.ThrowIfNotEqual(acc.Length, N);
        ReadOnlySpan<short> gammas = s_gammas;
        ref short ra = ref MemoryMarshal.GetReference(a);
        ref short rb = ref MemoryMarshal.GetReference(b);
        ref int racc = ref MemoryMarshal.GetReference(acc);
        for (int i = 0; i < N / 2; i++)
        {
            int a0 = Unsafe.Add(ref ra, 2 * i), a1 = Unsafe.Add(ref ra, (2 * i) + 1);
            int b0 = Unsafe.Add(ref rb, 2 * i), b1 = Unsafe.Add(ref rb, (2 * i) + 1);

            // (a0 + a1·X)(b0 + b1·X) mod (X^2 - γ) = (a0·b0 + a1·b1·γ) + (a0·b1 + a1·b0)·X.
            Unsafe.Add(ref racc, 2 * i) += (a0 * b0) + (MontgomeryReduce(a1 * b1) * gammas[i]);
            Unsafe.Add(ref racc, (2 * i) + 1) += (a0 * b1) + (a1 * b0);
        }
    }

    /// <summary>f = Montgomery reduction of acc: the accumulated products times 2^-16, absolute values below q.</summary>
    public static void ReduceAccumulator(ReadOnlySpan<int> acc, Span<short> f)
    {
        Debug.Assert(acc.Length == N && f.Length == N);
        for (int j = 0; j < f.Length; j++)
        {
            f[j] = MontgomeryReduce(acc[j]);
        }
    }

    /// <summary>f = the accumulated products (no 2^-16 factor), absolute values below q.</summary>
    public static void ReduceAccumulatorToPlain(ReadOnlySpan<int> acc, Span<short> f)
    {
        Debug.Assert(acc.Length == N && f.Length == N);
        for (int j = 0; j < f.Length; j++)
        {
            f[j] = MontgomeryMultiply(MontgomeryReduce(acc[j]), MontgomerySquare);
        }
    }

    private static short[] CreateZetas(bool gammas)
    {
        var table = new short[128];
        for (int i = 0; i < table.Length; i++)
        {
            int exponent = BitReverse7(i);
            if (gammas)
            {
                exponent = (2 * exponent) + 1;
            }

            int value = PowerMod(17, exponent);
            int montgomery = (value << 16) % Q;
            table[i] = (short)(montgomery > Q / 2 ? montgomery - Q : montgomery);
        }

        return table;
    }

    private static int BitReverse7(int i)
    {
        int r = 0;
        for (int bit = 0; bit < 7; bit++)
        {
            r |= ((i >> bit) & 1) << (6 - bit);
        }

        return r;
    }

    private static int PowerMod(int b, int e)
    {
        int r = 1;
        for (int i = 0; i < e; i++)
        {
            r = r * b % Q;
        }

        return r;
    }
}
