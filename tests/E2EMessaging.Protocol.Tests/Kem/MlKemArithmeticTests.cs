using E2EMessaging.Protocol.Kem;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Kem;

/// <summary>
/// Exhaustive and randomized checks of the ML-KEM arithmetic (FIPS 203, sections 4.2-4.3): reductions,
/// division-free compression, and NTT-domain multiplication against schoolbook multiplication in Z_q[X]/(X^256+1).
/// </summary>
public sealed class MlKemArithmeticTests
{
    private const int Q = MlKemArithmetic.Q;

    [Fact]
    public void BarrettAndCanonicalReductionAreExactForEvery16BitValue()
    {
        for (int a = short.MinValue; a <= short.MaxValue; a++)
        {
            int expected = Mod(a);
            int barrett = MlKemArithmetic.BarrettReduce(a);
            Assert.True(Math.Abs(barrett) <= (Q - 1) / 2, $"Barrett({a}) = {barrett}");
            Assert.Equal(expected, Mod(barrett));
            Assert.Equal(expected, MlKemArithmetic.ToCanonical(a));
        }
    }

    [Fact]
    public void MontgomeryReductionDividesBy2To16()
    {
        var random = new Random(1);
        for (int i = 0; i < 200_000; i++)
        {
            int a = random.Next(-Q * 32767, Q * 32767);
            int r = MlKemArithmetic.MontgomeryReduce(a);
            Assert.True(Math.Abs(r) < Q);
            Assert.Equal(Mod(a), Mod((long)r << 16));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(10)]
    [InlineData(11)]
    public void CompressAndDecompressMatchTheDefinitionsForEveryInput(int d)
    {
        for (int x = 0; x < Q; x++)
        {
            // round(2^d / q · x) mod 2^d with exact rational arithmetic.
            int expected = (int)((((long)x << (d + 1)) + Q) / (2 * Q)) & ((1 << d) - 1);
            Assert.Equal(expected, MlKemEncoding.Compress(d, x));
        }

        for (int y = 0; y < 1 << d; y++)
        {
            int expected = (int)((((long)y * Q * 2) + (1L << d)) / (2L << d));
            Assert.Equal(expected, MlKemEncoding.Decompress(d, y));
        }
    }

    [Fact]
    public void NttMultiplicationMatchesSchoolbook()
    {
        var random = new Random(2);
        Span<short> a = stackalloc short[256];
        Span<short> b = stackalloc short[256];
        Span<int> acc = stackalloc int[256];
        Span<short> product = stackalloc short[256];
        for (int trial = 0; trial < 20; trial++)
        {
            for (int i = 0; i < 256; i++)
            {
                a[i] = (short)random.Next(-(Q - 1), Q);
                b[i] = (short)random.Next(-3, 4);
            }

            int[] expected = Schoolbook(a, b);

            MlKemArithmetic.Ntt(a);
            MlKemArithmetic.Ntt(b);
            acc.Clear();
            MlKemArithmetic.MultiplyAccumulate(a, b, acc);
            MlKemArithmetic.ReduceAccumulator(acc, product);
            MlKemArithmetic.InverseNtt(product);

            for (int i = 0; i < 256; i++)
            {
                Assert.Equal(expected[i], MlKemArithmetic.ToCanonical(product[i]));
            }
        }
    }

    [Fact]
    public void ByteDecode12ReducesModuloQAndModulusCheckSeesIt()
    {
        byte[] bytes = new byte[384];
        new Random(3).NextBytes(bytes);
        Span<short> f = stackalloc short[256];
        MlKemEncoding.Decode12(bytes, f);
        for (int i = 0; i < 256; i++)
        {
            int raw = i % 2 == 0
                ? bytes[3 * (i / 2)] | ((bytes[(3 * (i / 2)) + 1] & 0x0F) << 8)
                : (bytes[(3 * (i / 2)) + 1] >> 4) | (bytes[(3 * (i / 2)) + 2] << 4);
            Assert.Equal(raw % Q, f[i]);
        }

        byte[] reencoded = new byte[384];
        MlKemEncoding.Encode12(f, reencoded);
        Assert.Equal(reencoded.AsSpan().SequenceEqual(bytes), MlKemEncoding.IsReduced12(bytes));
        Assert.True(MlKemEncoding.IsReduced12(reencoded));
    }

    private static int[] Schoolbook(ReadOnlySpan<short> a, ReadOnlySpan<short> b)
    {
        long[] c = new long[256];
        for (int i = 0; i < 256; i++)
        {
            for (int j = 0; j < 256; j++)
            {
                long term = (long)a[i] * b[j];
                if (i + j < 256)
                {
                    c[i + j] += term;
                }
                else
                {
                    c[i + j - 256] -= term; // X^256 = -1
                }
            }
        }

        return c.Select(v => Mod(v)).ToArray();
    }

    private static int Mod(long a) => (int)(((a % Q) + Q) % Q);
}
