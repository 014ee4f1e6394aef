using System.Buffers.Binary;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace E2EMessaging.Protocol.Kem;

/// <summary>
/// The 25 64-bit lanes of a Keccak-f[1600] state; lane (x, y) is element x + 5y (FIPS 202, section 3.1).
/// </summary>
[InlineArray(Length)]
internal struct KeccakLanes
{
    /// <summary>Number of lanes.</summary>
    public const int Length = 25;

    private ulong _lane0;
}

/// <summary>
/// The Keccak-f[1600] permutation and the SHA-3 / SHAKE one-shot functions of FIPS 202 built on
/// <see cref="KeccakSponge"/>. Written from FIPS 202; no heap allocation.
/// </summary>
/// <remarks>
/// We carry our own because ML-KEM needs incremental SHAKE128/SHAKE256 squeezing, which .NET only offers
/// where the platform's crypto library supports it.
/// </remarks>
internal static class Keccak
{
    /// <summary>Rate of SHAKE128 in bytes (1344 bits).</summary>
    public const int Shake128Rate = 168;

    /// <summary>Rate of SHAKE256 and SHA3-256 in bytes (1088 bits).</summary>
    public const int Shake256Rate = 136;

    /// <summary>Rate of SHA3-512 in bytes (576 bits).</summary>
    public const int Sha3_512Rate = 72;

    /// <summary>Domain separation and first padding bit for SHA3-* (bits 01, then pad10*1).</summary>
    public const byte Sha3Domain = 0x06;

    /// <summary>Domain separation and first padding bit for SHAKE* (bits 1111, then pad10*1).</summary>
    public const byte ShakeDomain = 0x1F;

    // Round constants RC[i_r] (FIPS 202, Algorithm 5/6), generated from the rc(t) LFSR.
    private static ReadOnlySpan<ulong> RoundConstants =>
    [
        0x0000000000000001UL, 0x0000000000008082UL, 0x800000000000808AUL, 0x8000000080008000UL,
        0x000000000000808BUL, 0x0000000080000001UL, 0x8000000080008081UL, 0x8000000000008009UL,
        0x000000000000008AUL, 0x0000000000000088UL, 0x0000000080008009UL, 0x000000008000000AUL,
        0x000000008000808BUL, 0x800000000000008BUL, 0x8000000000008089UL, 0x8000000000008003UL,
        0x8000000000008002UL, 0x8000000000000080UL, 0x000000000000800AUL, 0x800000008000000AUL,
        0x8000000080008081UL, 0x8000000000008080UL, 0x0000000080000001UL, 0x8000000080008008UL,
    ];

    /// <summary>SHA3-256 of <paramref name="input"/> into the 32-byte <paramref name="output"/>.</summary>
    public static void Sha3_256(ReadOnlySpan<byte> input, Span<byte> output)
    {
        Debug.Assert(output.Length == 32);
        KeccakSponge sponge = KeccakSponge.CreateSha3_256();
        sponge.Absorb(input);
        sponge.Squeeze(output);
        sponge.Clear();
    }

    /// <summary>SHA3-512 of <paramref name="input"/> into the 64-byte <paramref name="output"/>.</summary>
    public static void Sha3_512(ReadOnlySpan<byte> input, Span<byte> output)
    {
        Debug.Assert(output.Length == 64);
        KeccakSponge sponge = KeccakSponge.CreateSha3_512();
        sponge.Absorb(input);
        sponge.Squeeze(output);
        sponge.Clear();
    }

    /// <summary>SHAKE128 of <paramref name="input"/>, filling <paramref name="output"/>.</summary>
    public static void Shake128(ReadOnlySpan<byte> input, Span<byte> output)
    {
        KeccakSponge sponge = KeccakSponge.CreateShake128();
        sponge.Absorb(input);
        sponge.Squeeze(output);
        sponge.Clear();
    }

    /// <summary>SHAKE256 of <paramref name="input"/>, filling <paramref name="output"/>.</summary>
    public static void Shake256(ReadOnlySpan<byte> input, Span<byte> output)
    {
        KeccakSponge sponge = KeccakSponge.CreateShake256();
        sponge.Absorb(input);
        sponge.Squeeze(output);
        sponge.Clear();
    }

    /// <summary>Keccak-f[1600] (FIPS 202, Algorithm 7) applied in place: 24 rounds of theta, rho, pi, chi, iota.</summary>
    public static void Permute(ref KeccakLanes state)
    {
        ulong a0 = state[0], a1 = state[1], a2 = state[2], a3 = state[3], a4 = state[4];
        ulong a5 = state[5], a6 = state[6], a7 = state[7], a8 = state[8], a9 = state[9];
        ulong a10 = state[10], a11 = state[11], a12 = state[12], a13 = state[13], a14 = state[14];
        ulong a15 = state[15], a16 = state[16], a17 = state[17], a18 = state[18], a19 = state[19];
        ulong a20 = state[20], a21 = state[21], a22 = state[22], a23 = state[23], a24 = state[24];

        ReadOnlySpan<ulong> roundConstants = RoundConstants;
        for (int round = 0; round < 24; round++)
        {
            unchecked
            {
                // theta: c[x] is the parity of column x, d[x] = c[x-1] ^ rot(c[x+1], 1).
                // rho and pi: b[y, 2x+3y] = rot(a[x, y] ^ d[x], r[x, y]).
                // chi: a[x, y] = b[x, y] ^ (~b[x+1, y] & b[x+2, y]).
                ulong c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20;
                ulong c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21;
                ulong c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22;
                ulong c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23;
                ulong c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24;
                ulong d0 = c4 ^ BitOperations.RotateLeft(c1, 1);
                ulong d1 = c0 ^ BitOperations.RotateLeft(c2, 1);
                ulong d2 = c1 ^ BitOperations.RotateLeft(c3, 1);
                ulong d3 = c2 ^ BitOperations.RotateLeft(c4, 1);
                ulong d4 = c3 ^ BitOperations.RotateLeft(c0, 1);
                ulong b0 = a0 ^ d0;
                ulong b16 = BitOperations.RotateLeft(a5 ^ d0, 36);
                ulong b7 = BitOperations.RotateLeft(a10 ^ d0, 3);
                ulong b23 = BitOperations.RotateLeft(a15 ^ d0, 41);
                ulong b14 = BitOperations.RotateLeft(a20 ^ d0, 18);
                ulong b10 = BitOperations.RotateLeft(a1 ^ d1, 1);
                ulong b1 = BitOperations.RotateLeft(a6 ^ d1, 44);
                ulong b17 = BitOperations.RotateLeft(a11 ^ d1, 10);
                ulong b8 = BitOperations.RotateLeft(a16 ^ d1, 45);
                ulong b24 = BitOperations.RotateLeft(a21 ^ d1, 2);
                ulong b20 = BitOperations.RotateLeft(a2 ^ d2, 62);
                ulong b11 = BitOperations.RotateLeft(a7 ^ d2, 6);
                ulong b2 = BitOperations.RotateLeft(a12 ^ d2, 43);
                ulong b18 = BitOperations.RotateLeft(a17 ^ d2, 15);
                ulong b9 = BitOperations.RotateLeft(a22 ^ d2, 61);
                ulong b5 = BitOperations.RotateLeft(a3 ^ d3, 28);
                ulong b21 = BitOperations.RotateLeft(a8 ^ d3, 55);
                ulong b12 = BitOperations.RotateLeft(a13 ^ d3, 25);
                ulong b3 = BitOperations.RotateLeft(a18 ^ d3, 21);
                ulong b19 = BitOperations.RotateLeft(a23 ^ d3, 56);
                ulong b15 = BitOperations.RotateLeft(a4 ^ d4, 27);
                ulong b6 = BitOperations.RotateLeft(a9 ^ d4, 20);
                ulong b22 = BitOperations.RotateLeft(a14 ^ d4, 39);
                ulong b13 = BitOperations.RotateLeft(a19 ^ d4, 8);
                ulong b4 = BitOperations.RotateLeft(a24 ^ d4, 14);
                a0 = b0 ^ (~b1 & b2);
                a1 = b1 ^ (~b2 & b3);
                a2 = b2 ^ (~b3 & b4);
                a3 = b3 ^ (~b4 & b0);
                a4 = b4 ^ (~b0 & b1);
                a5 = b5 ^ (~b6 & b7);
                a6 = b6 ^ (~b7 & b8);
                a7 = b7 ^ (~b8 & b9);
                a8 = b8 ^ (~b9 & b5);
                a9 = b9 ^ (~b5 & b6);
                a10 = b10 ^ (~b11 & b12);
                a11 = b11 ^ (~b12 & b13);
                a12 = b12 ^ (~b13 & b14);
                a13 = b13 ^ (~b14 & b10);
                a14 = b14 ^ (~b10 & b11);
                a15 = b15 ^ (~b16 & b17);
                a16 = b16 ^ (~b17 & b18);
                a17 = b17 ^ (~b18 & b19);
                a18 = b18 ^ (~b19 & b15);
                a19 = b19 ^ (~b15 & b16);
                a20 = b20 ^ (~b21 & b22);
                a21 = b21 ^ (~b22 & b23);
                a22 = b22 ^ (~b23 & b24);
                a23 = b23 ^ (~b24 & b20);
                a24 = b24 ^ (~b20 & b21);

                // iota
                a0 ^= roundConstants[round];
            }
        }

        state[0] = a0; state[1] = a1; state[2] = a2; state[3] = a3; state[4] = a4;
        state[5] = a5; state[6] = a6; state[7] = a7; state[8] = a8; state[9] = a9;
        state[10] = a10; state[11] = a11; state[12] = a12; state[13] = a13; state[14] = a14;
        state[15] = a15; state[16] = a16; state[17] = a17; state[18] = a18; state[19] = a19;
        state[20] = a20; state[21] = a21; state[22] = a22; state[23] = a23; state[24] = a24;
    }
}

/// <summary>
/// A Keccak[c] sponge (FIPS 202, Algorithm 8) with incremental absorb and incremental squeeze: any split of
/// the input into <see cref="Absorb"/> calls, and of the output into <see cref="Squeeze"/> calls, gives the
/// same bytes as one call. A mutable struct: keep it in a local and pass it by <see langword="ref"/>.
/// Call <see cref="Clear"/> when it has absorbed secrets.
/// </summary>
internal struct KeccakSponge
{
    private KeccakLanes _lanes;
    private readonly int _rate;
    private readonly byte _domain;
    private int _position;
    private bool _squeezing;

    private KeccakSponge(int rate, byte domain)
    {
        _rate = rate;
        _domain = domain;
        _position = 0;
        _squeezing = false;
    }

    /// <summary>A fresh SHA3-256 sponge (output 32 bytes).</summary>
    public static KeccakSponge CreateSha3_256() => new(Keccak.Shake256Rate, Keccak.Sha3Domain);

    /// <summary>A fresh SHA3-512 sponge (output 64 bytes).</summary>
    public static KeccakSponge CreateSha3_512() => new(Keccak.Sha3_512Rate, Keccak.Sha3Domain);

    /// <summary>A fresh SHAKE128 sponge.</summary>
    public static KeccakSponge CreateShake128() => new(Keccak.Shake128Rate, Keccak.ShakeDomain);

    /// <summary>A fresh SHAKE256 sponge.</summary>
    public static KeccakSponge CreateShake256() => new(Keccak.Shake256Rate, Keccak.ShakeDomain);

    /// <summary>The rate in bytes: the block size of absorb and squeeze.</summary>
    public readonly int Rate => _rate;

    /// <summary>Absorbs <paramref name="data"/>. Not allowed once squeezing has begun.</summary>
    public void Absorb(ReadOnlySpan<byte> data)
    {
        if (_squeezing)
        {
            ThrowAbsorbAfterSqueeze();
        }

        int rate = _rate;
        int position = _position;
        while (data.Length > 0)
        {
            if (position == rate)
            {
                Keccak.Permute(ref _lanes);
                position = 0;
            }

            if ((position & 7) == 0 && data.Length >= 8)
            {
                // Whole lanes: the block boundary is a lane boundary for every rate we use.
                int lanes = Math.Min(rate - position, data.Length) >> 3;
                int lane = position >> 3;
                for (int i = 0; i < lanes; i++)
                {
                    _lanes[lane + i] ^= BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(i << 3));
                }

                position += lanes << 3;
                data = data.Slice(lanes << 3);
            }
            else
            {
                _lanes[position >> 3] ^= (ulong)data[0] << ((position & 7) << 3);
                position++;
                data = data.Slice(1);
            }
        }

        _position = position;
    }

    /// <summary>Fills <paramref name="output"/> with the next bytes of the sponge's output.</summary>
    public void Squeeze(Span<byte> output)
    {
        if (!_squeezing)
        {
            Pad();
        }

        int rate = _rate;
        int position = _position;
        while (output.Length > 0)
        {
            if (position == rate)
            {
                Keccak.Permute(ref _lanes);
                position = 0;
            }

            if ((position & 7) == 0 && output.Length >= 8)
            {
                int lanes = Math.Min(rate - position, output.Length) >> 3;
                int lane = position >> 3;
                for (int i = 0; i < lanes; i++)
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(output.Slice(i << 3), _lanes[lane + i]);
                }

                position += lanes << 3;
                output = output.Slice(lanes << 3);
            }
            else
            {
                output[0] = (byte)(_lanes[position >> 3] >> ((position & 7) << 3));
                position++;
                output = output.Slice(1);
            }
        }

        _position = position;
    }

    /// <summary>Wipes the state; the sponge must not be used afterwards.</summary>
    public void Clear()
    {
        Span<ulong> lanes = _lanes;
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(lanes));
        _position = 0;
    }

    // pad10*1 with the domain bits in front, then the permutation that produces the first output block.
    private void Pad()
    {
        if (_position == _rate)
        {
            Keccak.Permute(ref _lanes);
            _position = 0;
        }

        _lanes[_position >> 3] ^= (ulong)_domain << ((_position & 7) << 3);
        _lanes[(_rate - 1) >> 3] ^= 0x80UL << (((_rate - 1) & 7) << 3);
        Keccak.Permute(ref _lanes);
        _position = 0;
        _squeezing = true;
    }

    private static void ThrowAbsorbAfterSqueeze() =>
        throw new InvalidOperationException("A Keccak sponge cannot absorb after it has started squeezing.");
}
