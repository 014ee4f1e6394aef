namespace E2EMessaging.Protocol.Spqr;

/// <summary>
/// Collects chunks of a message of known length made by <see cref="PolynomialEncoder"/> (the layout is described
/// at the top of that file) and rebuilds the message once every lane has enough distinct points.
/// </summary>
internal sealed partial class PolynomialDecoder
{
    private const int Lanes = PolynomialEncoder.Lanes;

    // Per lane, the kept points sorted by x with distinct x.
    private readonly List<(ushort X, ushort Y)>[] _points;
    private readonly int _valueCount;

    private PolynomialDecoder(int messageLength)
    {
        _valueCount = messageLength / 2;
        _points = new List<(ushort X, ushort Y)>[Lanes];
        for (int lane = 0; lane < Lanes; lane++)
        {
            _points[lane] = [];
        }
    }

    public int MessageLength => _valueCount * 2;

    public static bool TryCreate(int messageLength, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PolynomialDecoder? decoder)
    {
        decoder = messageLength >= 0 && messageLength % 2 == 0 && messageLength <= PolynomialEncoder.MaxMessageLength
            ? new PolynomialDecoder(messageLength)
            : null;
        return decoder is not null;
    }

    /// <exception cref="ArgumentOutOfRangeException">The length is negative, odd, or over the encoder's maximum.</exception>
    public static PolynomialDecoder Create(int messageLength) =>
        TryCreate(messageLength, out PolynomialDecoder? decoder)
            ? decoder
            : throw new ArgumentOutOfRangeException(nameof(messageLength), messageLength, "The message length must be even, non-negative and within the encoder's maximum.");

    public void AddChunk(in ErasureChunk chunk) => TryAddChunk(chunk.Index, chunk.Data);

    /// <summary>
    /// Adds one chunk. Returns false, changing nothing, when <paramref name="index"/> is not a 16-bit chunk index
    /// or <paramref name="data"/> is not 32 bytes. Per lane, a point is kept when its x is one of the lane's
    /// original positions (so it can be read without interpolation) or the lane still lacks points; a point
    /// whose x the lane already has is ignored, so duplicates and replays are harmless.
    /// </summary>
    public bool TryAddChunk(int index, ReadOnlySpan<byte> data)
    {
        if ((uint)index > ushort.MaxValue || data.Length != ErasureChunk.DataLength)
        {
            return false;
        }

        ushort x = (ushort)index;
        for (int lane = 0; lane < Lanes; lane++)
        {
            int needed = PolynomialEncoder.PointsInLane(_valueCount, lane);
            List<(ushort X, ushort Y)> points = _points[lane];
            if (x >= needed && points.Count >= needed)
            {
                continue;
            }

            int at = Find(points, x);
            if (at >= 0)
            {
                continue;
            }

            points.Insert(~at, (x, (ushort)((data[2 * lane] << 8) | data[(2 * lane) + 1])));
        }

        return true;
    }

    /// <summary>True once every lane has as many distinct points as it has values.</summary>
    public bool IsDecodable
    {
        get
        {
            for (int lane = 0; lane < Lanes; lane++)
            {
                if (_points[lane].Count < PolynomialEncoder.PointsInLane(_valueCount, lane))
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>
    /// The message, or null while some lane lacks points (or the decoder was restored with its "complete" flag set,
    /// see PolynomialDecoder.State.cs). A value whose own point arrived is copied; the others
    /// come from the lane's polynomial, interpolated through the lane's kept points of smallest x.
    /// </summary>
    public byte[]? DecodedMessage()
    {
        if (_complete || !IsDecodable)
        {
            return null;
        }

        var polynomials = new Gf16[]?[Lanes];
        var message = new byte[_valueCount * 2];
        for (int k = 0; k < _valueCount; k++)
        {
            int lane = k % Lanes;
            ushort x = (ushort)(k / Lanes);
            List<(ushort X, ushort Y)> points = _points[lane];
            int at = Find(points, x);
            ushort y;
            if (at >= 0)
            {
                y = points[at].Y;
            }
            else
            {
                polynomials[lane] ??= Interpolate(points, PolynomialEncoder.PointsInLane(_valueCount, lane));
                y = Gf16Polynomial.Evaluate(polynomials[lane], new Gf16(x)).Value;
            }

            message[2 * k] = (byte)(y >> 8);
            message[(2 * k) + 1] = (byte)y;
        }

        return message;
    }

    private static Gf16[] Interpolate(List<(ushort X, ushort Y)> points, int count)
    {
        var xs = new Gf16[count];
        var ys = new Gf16[count];
        for (int i = 0; i < count; i++)
        {
            xs[i] = new Gf16(points[i].X);
            ys[i] = new Gf16(points[i].Y);
        }

        return Gf16Polynomial.Interpolate(xs, ys);
    }

    // Binary search by x: the position if present, else the bitwise complement of the insertion position.
    private static int Find(List<(ushort X, ushort Y)> points, ushort x)
    {
        int lo = 0;
        int hi = points.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int cmp = points[mid].X.CompareTo(x);
            if (cmp == 0)
            {
                return mid;
            }

            if (cmp < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return ~lo;
    }
}
