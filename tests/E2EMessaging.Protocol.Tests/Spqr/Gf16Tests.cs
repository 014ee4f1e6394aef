using E2EMessaging.Protocol.Spqr;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Spqr;

public sealed class Gf16Tests
{
    private static Gf16 F(ushort v) => new(v);

    // Schoolbook reference: shift-and-add with reduction after every shift (branchy, independent of Gf16.Multiply).
    private static ushort Reference(ushort a, ushort b)
    {
        uint x = a;
        uint result = 0;
        for (int i = 0; i < 16; i++)
        {
            if (((b >> i) & 1) != 0)
            {
                result ^= x;
            }

            x <<= 1;
            if ((x & 0x10000) != 0)
            {
                x ^= Gf16.Polynomial;
            }
        }

        return (ushort)result;
    }

    [Property(MaxTest = 500)]
    public bool Multiplication_matches_the_schoolbook_reference(ushort a, ushort b) =>
        (F(a) * F(b)).Value == Reference(a, b);

    [Fact]
    public void Both_multiplication_paths_match_the_reference_on_a_million_pairs()
    {
        // The hardware path (PCLMULQDQ, when the CPU has it) and the portable carry-less product must agree.
        var random = new Random(1100);
        for (int i = 0; i < 1_000_000; i++)
        {
            ushort a = (ushort)random.Next(1 << 16);
            ushort b = (ushort)random.Next(1 << 16);
            ushort expected = Reference(a, b);
            Assert.Equal(expected, Gf16.Multiply(a, b));
            Assert.Equal(expected, Gf16.Reduce(Gf16.CarrylessProduct(a, b)));
        }

        Assert.Equal(Reference(0xFFFF, 0xFFFF), Gf16.Multiply(0xFFFF, 0xFFFF));
    }

    [Property(MaxTest = 300)]
    public bool Multiplication_is_associative(ushort a, ushort b, ushort c) =>
        (F(a) * F(b)) * F(c) == F(a) * (F(b) * F(c));

    [Property(MaxTest = 300)]
    public bool Multiplication_is_commutative(ushort a, ushort b) => F(a) * F(b) == F(b) * F(a);

    [Property(MaxTest = 300)]
    public bool Addition_is_associative_and_self_inverse(ushort a, ushort b, ushort c) =>
        (F(a) + F(b)) + F(c) == F(a) + (F(b) + F(c)) && F(a) + F(a) == Gf16.Zero && F(a) - F(b) == F(a) + F(b);

    [Property(MaxTest = 300)]
    public bool Multiplication_distributes_over_addition(ushort a, ushort b, ushort c) =>
        F(a) * (F(b) + F(c)) == (F(a) * F(b)) + (F(a) * F(c));

    [Property(MaxTest = 300)]
    public bool One_and_zero_behave(ushort a) => F(a) * Gf16.One == F(a) && F(a) * Gf16.Zero == Gf16.Zero;

    [Property(MaxTest = 300)]
    public Property Every_nonzero_element_has_an_inverse(ushort a) =>
        (F(a) * F(a).Inverse() == Gf16.One).When(a != 0);

    [Property(MaxTest = 300)]
    public Property Division_undoes_multiplication(ushort a, ushort b) =>
        ((F(a) * F(b)) / F(b) == F(a) && (F(a) / F(b)) * F(b) == F(a)).When(b != 0);

    [Fact]
    public void Known_products_derived_by_hand()
    {
        // x^15 · x = x^16 ≡ x^12 + x^3 + x + 1 (mod 0x1100b).
        Assert.Equal(0x100b, (F(0x8000) * F(0x0002)).Value);

        // (x + 1)(x + 1) = x^2 + 1, no reduction.
        Assert.Equal(0x0005, (F(0x0003) * F(0x0003)).Value);

        // x^15 · x^2 = x · x^16 ≡ x^13 + x^4 + x^2 + x.
        Assert.Equal(0x2016, (F(0x8000) * F(0x0004)).Value);

        // x^16 · x^15 = x^31; reduced step by step: x^16 ≡ 0x100b, then multiply by x fifteen more times.
        ushort power = 0x100b;
        for (int i = 0; i < 15; i++)
        {
            power = Reference(power, 2);
        }

        Assert.Equal(power, (F(0x8000) * F(0x8000) * F(0x0002)).Value);
        Assert.Equal(0, Gf16.Zero.Inverse().Value);
        Assert.Equal(1, Gf16.One.Inverse().Value);
        Assert.Equal(0x8805, F(0x0002).Inverse().Value); // x · (x^15 + x^11 + x^2 + 1) = x^16 + x^12 + x^3 + x = 1.
    }

    [Fact]
    public void Barrett_constant_from_the_crate_is_the_carryless_quotient_of_x32_by_the_polynomial()
    {
        // Literal from SparsePostQuantumRatchet v1.5.3 src/encoding/gf.rs, test `x86_barrett_reduction`:
        // POLY_BARRETT_REDUCTION = 0x1111a ("2^32 / POLY with carryless division").
        const ulong quotient = 0x1111a;
        ulong product = 0;
        for (int i = 0; i < 17; i++)
        {
            if (((quotient >> i) & 1) != 0)
            {
                product ^= (ulong)Gf16.Polynomial << i;
            }
        }

        ulong remainder = product ^ (1UL << 32);
        Assert.True(remainder < 0x10000, $"remainder 0x{remainder:x} should have degree < 16");
    }

    [Fact]
    public void The_polynomial_is_primitive_x_generates_the_multiplicative_group()
    {
        // The crate cites a primitive-polynomial table for 0x1100b: x has order 2^16 - 1 = 3 · 5 · 17 · 257.
        static Gf16 Pow(Gf16 g, int e)
        {
            Gf16 r = Gf16.One;
            for (int i = 0; i < e; i++)
            {
                r *= g;
            }

            return r;
        }

        Gf16 x = F(2);
        Assert.Equal(Gf16.One, Pow(x, 65535));
        foreach (int p in new[] { 3, 5, 17, 257 })
        {
            Assert.NotEqual(Gf16.One, Pow(x, 65535 / p));
        }
    }
}
