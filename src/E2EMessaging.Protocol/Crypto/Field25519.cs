using System.Buffers.Binary;

namespace E2EMessaging.Protocol.Crypto;

/// <summary>
/// Arithmetic modulo p = 2^255 - 19 in five 51-bit limbs, just enough to map a Montgomery u-coordinate to
/// an Edwards y-coordinate for XEdDSA verification. Only ever applied to public keys.
/// </summary>
internal struct Field25519
{
    private const ulong Mask51 = (1UL << 51) - 1;

    private ulong _l0, _l1, _l2, _l3, _l4;

    public static Field25519 One => new() { _l0 = 1 };

    /// <summary>Reads 32 little-endian bytes, ignoring the top bit (as RFC 7748 and curve25519-dalek do).</summary>
    public static Field25519 FromBytes(ReadOnlySpan<byte> s)
    {
        return new Field25519
        {
            _l0 = BinaryPrimitives.ReadUInt64LittleEndian(s) & Mask51,
            _l1 = (BinaryPrimitives.ReadUInt64LittleEndian(s[6..]) >> 3) & Mask51,
            _l2 = (BinaryPrimitives.ReadUInt64LittleEndian(s[12..]) >> 6) & Mask51,
            _l3 = (BinaryPrimitives.ReadUInt64LittleEndian(s[19..]) >> 1) & Mask51,
            _l4 = (BinaryPrimitives.ReadUInt64LittleEndian(s[24..]) >> 12) & Mask51,
        };
    }

    public static Field25519 operator +(Field25519 a, Field25519 b) => new Field25519
    {
        _l0 = a._l0 + b._l0,
        _l1 = a._l1 + b._l1,
        _l2 = a._l2 + b._l2,
        _l3 = a._l3 + b._l3,
        _l4 = a._l4 + b._l4,
    }.Carry();

    /// <summary>a - b, computed as a + 2p - b so that no limb underflows (inputs are carried, limbs below 2^52).</summary>
    public static Field25519 operator -(Field25519 a, Field25519 b) => new Field25519
    {
        _l0 = a._l0 + 0xFFFFFFFFFFFDA - b._l0,
        _l1 = a._l1 + 0xFFFFFFFFFFFFE - b._l1,
        _l2 = a._l2 + 0xFFFFFFFFFFFFE - b._l2,
        _l3 = a._l3 + 0xFFFFFFFFFFFFE - b._l3,
        _l4 = a._l4 + 0xFFFFFFFFFFFFE - b._l4,
    }.Carry();

    public static Field25519 operator *(Field25519 a, Field25519 b)
    {
        ulong b1 = b._l1 * 19, b2 = b._l2 * 19, b3 = b._l3 * 19, b4 = b._l4 * 19;
        UInt128 r0 = Mul(a._l0, b._l0) + Mul(a._l1, b4) + Mul(a._l2, b3) + Mul(a._l3, b2) + Mul(a._l4, b1);
        UInt128 r1 = Mul(a._l0, b._l1) + Mul(a._l1, b._l0) + Mul(a._l2, b4) + Mul(a._l3, b3) + Mul(a._l4, b2);
        UInt128 r2 = Mul(a._l0, b._l2) + Mul(a._l1, b._l1) + Mul(a._l2, b._l0) + Mul(a._l3, b4) + Mul(a._l4, b3);
        UInt128 r3 = Mul(a._l0, b._l3) + Mul(a._l1, b._l2) + Mul(a._l2, b._l1) + Mul(a._l3, b._l0) + Mul(a._l4, b4);
        UInt128 r4 = Mul(a._l0, b._l4) + Mul(a._l1, b._l3) + Mul(a._l2, b._l2) + Mul(a._l3, b._l1) + Mul(a._l4, b._l0);

        return Reduce(r0, r1, r2, r3, r4);
    }

    /// <summary>z^(p-2) = z^-1 (and 0 for 0), by the usual addition chain for 2^255 - 21.</summary>
    public readonly Field25519 Invert()
    {
        Field25519 z = this;
        Field25519 z2 = z.Square();
        Field25519 z9 = z2.SquareTimes(2) * z;
        Field25519 z11 = z9 * z2;
        Field25519 z2_5_0 = z11.Square() * z9;
        Field25519 z2_10_0 = z2_5_0.SquareTimes(5) * z2_5_0;
        Field25519 z2_20_0 = z2_10_0.SquareTimes(10) * z2_10_0;
        Field25519 z2_40_0 = z2_20_0.SquareTimes(20) * z2_20_0;
        Field25519 z2_50_0 = z2_40_0.SquareTimes(10) * z2_10_0;
        Field25519 z2_100_0 = z2_50_0.SquareTimes(50) * z2_50_0;
        Field25519 z2_200_0 = z2_100_0.SquareTimes(100) * z2_100_0;
        Field25519 z2_250_0 = z2_200_0.SquareTimes(50) * z2_50_0;
        return z2_250_0.SquareTimes(5) * z11;
    }

    /// <summary>Writes the fully reduced value as 32 little-endian bytes (top bit clear).</summary>
    public readonly void ToBytes(Span<byte> destination)
    {
        Field25519 h = Carry();

        // Subtract p if h >= p: q is 1 exactly when h + 19 overflows 2^255.
        ulong q = (h._l0 + 19) >> 51;
        q = (h._l1 + q) >> 51;
        q = (h._l2 + q) >> 51;
        q = (h._l3 + q) >> 51;
        q = (h._l4 + q) >> 51;

        ulong l0 = h._l0 + (19 * q);
        ulong l1 = h._l1 + (l0 >> 51);
        l0 &= Mask51;
        ulong l2 = h._l2 + (l1 >> 51);
        l1 &= Mask51;
        ulong l3 = h._l3 + (l2 >> 51);
        l2 &= Mask51;
        ulong l4 = h._l4 + (l3 >> 51);
        l3 &= Mask51;
        l4 &= Mask51;

        BinaryPrimitives.WriteUInt64LittleEndian(destination, l0 | (l1 << 51));
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], (l1 >> 13) | (l2 << 38));
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], (l2 >> 26) | (l3 << 25));
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], (l3 >> 39) | (l4 << 12));
    }

    public readonly bool IsZero()
    {
        Span<byte> bytes = stackalloc byte[32];
        ToBytes(bytes);
        return !bytes.ContainsAnyExcept((byte)0);
    }

    /// <summary>a², with the symmetric products computed once (15 multiplications instead of 25).</summary>
    private readonly Field25519 Square()
    {
        ulong a0 = _l0, a1 = _l1, a2 = _l2, a3 = _l3, a4 = _l4;
        ulong d0 = a0 * 2, d1 = a1 * 2, d2 = a2 * 2 * 19, d3 = a3 * 19, d4 = a4 * 19;
        UInt128 r0 = Mul(a0, a0) + Mul(d1, d4) + Mul(d2, a3);
        UInt128 r1 = Mul(d0, a1) + Mul(a2 * 2, d4) + Mul(a3, d3);
        UInt128 r2 = Mul(d0, a2) + Mul(a1, a1) + Mul(a3 * 2, d4);
        UInt128 r3 = Mul(d0, a3) + Mul(d1, a2) + Mul(a4, d4);
        UInt128 r4 = Mul(d0, a4) + Mul(d1, a3) + Mul(a2, a2);

        return Reduce(r0, r1, r2, r3, r4);
    }

    private readonly Field25519 SquareTimes(int count)
    {
        Field25519 r = this;
        for (int i = 0; i < count; i++)
        {
            r = r.Square();
        }

        return r;
    }

    private readonly Field25519 Carry()
    {
        ulong l0 = _l0, l1 = _l1, l2 = _l2, l3 = _l3, l4 = _l4;
        l1 += l0 >> 51;
        l0 &= Mask51;
        l2 += l1 >> 51;
        l1 &= Mask51;
        l3 += l2 >> 51;
        l2 &= Mask51;
        l4 += l3 >> 51;
        l3 &= Mask51;
        l0 += (l4 >> 51) * 19;
        l4 &= Mask51;
        return new Field25519 { _l0 = l0, _l1 = l1, _l2 = l2, _l3 = l3, _l4 = l4 };
    }

    private static UInt128 Mul(ulong a, ulong b) => Math.BigMul(a, b);

    /// <summary>Carries 128-bit column sums back into five 51-bit limbs (2^255 ≡ 19).</summary>
    private static Field25519 Reduce(UInt128 r0, UInt128 r1, UInt128 r2, UInt128 r3, UInt128 r4)
    {
        r1 += (ulong)(r0 >> 51);
        r2 += (ulong)(r1 >> 51);
        r3 += (ulong)(r2 >> 51);
        r4 += (ulong)(r3 >> 51);
        ulong c = (ulong)(r4 >> 51);
        var result = new Field25519
        {
            _l0 = ((ulong)r0 & Mask51) + (c * 19),
            _l1 = (ulong)r1 & Mask51,
            _l2 = (ulong)r2 & Mask51,
            _l3 = (ulong)r3 & Mask51,
            _l4 = (ulong)r4 & Mask51,
        };
        return result.Carry();
    }
}
