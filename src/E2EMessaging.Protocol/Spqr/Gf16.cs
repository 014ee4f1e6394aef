using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace E2EMessaging.Protocol.Spqr;

/// <summary>
/// An element of GF(2^16) as SPQR's erasure code uses it: bit i of <see cref="Value"/> is the coefficient of
/// x^i, and products are reduced modulo x^16 + x^12 + x^3 + x + 1 (0x1100b, the crate's <c>POLY</c>).
/// Addition and subtraction are XOR. Multiplication is a carry-less shift-and-mask product followed by a
/// masked reduction, so its running time and memory accesses do not depend on the operands.
/// </summary>
internal readonly struct Gf16 : IEquatable<Gf16>
{
    /// <summary>The reduction polynomial x^16 + x^12 + x^3 + x + 1.</summary>
    public const uint Polynomial = 0x1100b;

    public static readonly Gf16 Zero;

    public static readonly Gf16 One = new(1);

    public Gf16(ushort value) => Value = value;

    public ushort Value { get; }

    public static Gf16 operator +(Gf16 a, Gf16 b) => new((ushort)(a.Value ^ b.Value));

    public static Gf16 operator -(Gf16 a, Gf16 b) => new((ushort)(a.Value ^ b.Value));

    public static Gf16 operator *(Gf16 a, Gf16 b) => new(Multiply(a.Value, b.Value));

    /// <summary>a / b = a · b⁻¹. Dividing by zero gives zero (see <see cref="Inverse"/>); callers never do it.</summary>
    public static Gf16 operator /(Gf16 a, Gf16 b) => a * b.Inverse();

    public static bool operator ==(Gf16 a, Gf16 b) => a.Value == b.Value;

    public static bool operator !=(Gf16 a, Gf16 b) => a.Value != b.Value;

    /// <summary>
    /// The multiplicative inverse, computed as this^(2^16 - 2) with a fixed square-and-multiply chain
    /// (the exponent is public, so the sequence of operations is the same for every input). Zero maps to zero.
    /// </summary>
    public Gf16 Inverse()
    {
        // 2^16 - 2 = 0b1111_1111_1111_1110: result = x^2 · x^4 · ... · x^(2^15).
        Gf16 power = this;
        Gf16 result = One;
        for (int i = 1; i < 16; i++)
        {
            power *= power;
            result *= power;
        }

        return result;
    }

    public bool Equals(Gf16 other) => Value == other.Value;

    public override bool Equals(object? obj) => obj is Gf16 other && Equals(other);

    public override int GetHashCode() => Value;

    public override string ToString() => $"0x{Value:x4}";

    /// <summary>Carry-less product of two 16-bit polynomials, then reduction modulo <see cref="Polynomial"/>.</summary>
    internal static ushort Multiply(ushort a, ushort b)
    {
        if (Pclmulqdq.IsSupported)
        {
            // One carry-less multiplication: the 31-bit product of the two polynomials.
            Vector128<ulong> product = Pclmulqdq.CarrylessMultiply(Vector128.CreateScalar((ulong)a), Vector128.CreateScalar((ulong)b), 0x00);
            return Reduce((uint)product.ToScalar());
        }

        return Reduce(CarrylessProduct(a, b));
    }

    /// <summary>The 31-bit carry-less product, without branches on the operands (the portable path).</summary>
    internal static uint CarrylessProduct(ushort a, ushort b)
    {
        uint wide = a;
        uint product = 0;
        for (int i = 0; i < 16; i++)
        {
            uint mask = 0u - ((uint)(b >> i) & 1u);
            product ^= (wide << i) & mask;
        }

        return product;
    }

    internal static ushort Reduce(uint value)
    {
        // x^16 = x^12 + x^3 + x + 1 (mod the field polynomial): fold the bits above 16 down. Each fold shrinks the
        // excess by 4 bits (31 → 27 → 23 → 19 → 15), so four folds always finish, without branches.
        for (int fold = 0; fold < 4; fold++)
        {
            uint high = value >> 16;
            value = (value & 0xFFFF) ^ high ^ (high << 1) ^ (high << 3) ^ (high << 12);
        }

        return (ushort)value;
    }
}
