// The erasure code of SPQR's ML-KEM Braid (signal.org/docs/specifications/mlkembraid, the section on
// erasure-coding messages into chunks), as the SparsePostQuantumRatchet crate v1.5.3 puts it on the wire
// (src/encoding/polynomial.rs). Written from that description; the layout, in our words:
//
//  * Field: GF(2^16) modulo x^16 + x^12 + x^3 + x + 1 (0x1100b), see Gf16.
//  * The message has an even length L (at most 2^16 · 16 bytes). It is read as L/2 big-endian 16-bit values
//    v_0, v_1, ... (v_k = msg[2k] << 8 | msg[2k+1]).
//  * There are 16 "lanes" (polynomials), one per 2-byte slot of a 32-byte chunk. Value v_k belongs to lane
//    k mod 16 at evaluation point x = k / 16 (integer division). Lane j therefore holds the values at
//    x = 0, 1, ..., n_j - 1 with n_j = L/32 + (j < (L/2) mod 16 ? 1 : 0), and P_j is the unique polynomial
//    of degree < n_j through those points (the zero polynomial if n_j = 0).
//  * Chunk i (i a 16-bit index) carries x = i: its 32 data bytes are P_0(i), P_1(i), ..., P_15(i), each
//    big-endian. For i < n_j that is the original value, so the first chunks are the message itself
//    (systematic): chunk i is msg[32i .. 32i+32] while the message lasts, and past the end of a short lane
//    it is that lane's polynomial evaluated beyond its data.
//  * The encoder hands out chunks 0, 1, 2, ... (a 32-bit counter whose low 16 bits are the index).
//  * The decoder, told L, needs n_j distinct points per lane j; any ceil(L/32) distinct chunk indices do.
//    It recovers P_j by Lagrange interpolation and reads v_k back as P_{k mod 16}(k / 16).
namespace E2EMessaging.Protocol.Spqr;

/// <summary>Splits an even-length message into an unbounded stream of 32-byte erasure-coded chunks.</summary>
internal sealed partial class PolynomialEncoder
{
    /// <summary>Lanes (polynomials) per chunk: one per 2-byte field element of a 32-byte chunk.</summary>
    public const int Lanes = ErasureChunk.DataLength / 2;

    /// <summary>Longest message: every lane may use all 2^16 evaluation points.</summary>
    public const int MaxMessageLength = (1 << 16) * Lanes;

    // Per lane, the message values at x = 0, 1, ... (null once only the polynomials are known, see
    // PolynomialEncoder.State.cs). Neither array is ever written after it is set, so clones share them.
    private readonly Gf16[][]? _values;
    private Gf16[][]? _polynomials;

    private PolynomialEncoder(Gf16[][]? values, Gf16[][]? polynomials, uint nextIndex)
    {
        _values = values;
        _polynomials = polynomials;
        NextIndex = nextIndex;
    }

    /// <summary>The counter behind <see cref="NextChunk"/>; its low 16 bits are the next chunk's index.</summary>
    public uint NextIndex { get; private set; }

    public static bool TryCreate(ReadOnlySpan<byte> message, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PolynomialEncoder? encoder)
    {
        encoder = null;
        if (message.Length % 2 != 0 || message.Length > MaxMessageLength)
        {
            return false;
        }

        int count = message.Length / 2;
        var values = new Gf16[Lanes][];
        for (int lane = 0; lane < Lanes; lane++)
        {
            values[lane] = new Gf16[PointsInLane(count, lane)];
        }

        for (int k = 0; k < count; k++)
        {
            values[k % Lanes][k / Lanes] = new Gf16((ushort)((message[2 * k] << 8) | message[(2 * k) + 1]));
        }

        encoder = new PolynomialEncoder(values, null, 0);
        return true;
    }

    /// <exception cref="ArgumentException">The message has an odd length or is longer than <see cref="MaxMessageLength"/>.</exception>
    public static PolynomialEncoder Create(ReadOnlySpan<byte> message) =>
        TryCreate(message, out PolynomialEncoder? encoder)
            ? encoder
            : throw new ArgumentException($"The message length must be even and at most {MaxMessageLength} bytes.", nameof(message));

    /// <summary>How many of <paramref name="valueCount"/> 16-bit values fall into lane <paramref name="lane"/>.</summary>
    internal static int PointsInLane(int valueCount, int lane) =>
        (valueCount / Lanes) + (lane < valueCount % Lanes ? 1 : 0);

    /// <summary>The chunk at the next index, then advances the index (wrapping like the crate's u32 counter).</summary>
    public ErasureChunk NextChunk()
    {
        ErasureChunk chunk = ChunkAt((ushort)NextIndex);
        NextIndex = unchecked(NextIndex + 1);
        return chunk;
    }

    public ErasureChunk ChunkAt(ushort index)
    {
        Span<byte> data = stackalloc byte[ErasureChunk.DataLength];
        WriteChunk(index, data);
        return new ErasureChunk(index, data);
    }

    /// <summary>Writes chunk <paramref name="index"/>'s 32 data bytes: lane j's value at x = index, big-endian.</summary>
    public void WriteChunk(ushort index, Span<byte> destination)
    {
        if (destination.Length != ErasureChunk.DataLength)
        {
            throw new ArgumentException($"A chunk holds exactly {ErasureChunk.DataLength} bytes.", nameof(destination));
        }

        for (int lane = 0; lane < Lanes; lane++)
        {
            Gf16 y = _values is not null && index < _values[lane].Length
                ? _values[lane][index]
                : Gf16Polynomial.Evaluate(Polynomials()[lane], new Gf16(index));
            destination[2 * lane] = (byte)(y.Value >> 8);
            destination[(2 * lane) + 1] = (byte)y.Value;
        }
    }

    private Gf16[][] Polynomials()
    {
        if (_polynomials is null)
        {
            Gf16[][] values = _values!;
            var polynomials = new Gf16[Lanes][];
            for (int lane = 0; lane < Lanes; lane++)
            {
                Gf16[] ys = values[lane];
                var xs = new Gf16[ys.Length];
                for (int x = 0; x < xs.Length; x++)
                {
                    xs[x] = new Gf16((ushort)x);
                }

                polynomials[lane] = Gf16Polynomial.Interpolate(xs, ys);
            }

            _polynomials = polynomials;
        }

        return _polynomials;
    }
}
