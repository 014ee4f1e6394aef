using System.Diagnostics.CodeAnalysis;
using E2EMessaging.Protocol.Proto.Spqr;
using Google.Protobuf;

namespace E2EMessaging.Protocol.Spqr;

// The decoder as SPQR v1.5.3 persists it (PolynomialDecoderState): the number of 16-bit values of the message,
// the lane count (always 16), per lane the kept points sorted by x as 4 bytes each (x then y, both big-endian),
// and a "complete" flag. The crate never sets that flag, but a decoder that carries it yields no message, so we
// keep and honour it rather than drop it.
internal sealed partial class PolynomialDecoder
{
    private bool _complete;

    /// <summary>A copy holding the same points; adding chunks to one does not change the other.</summary>
    public PolynomialDecoder Clone()
    {
        var copy = new PolynomialDecoder(MessageLength) { _complete = _complete };
        for (int lane = 0; lane < Lanes; lane++)
        {
            copy._points[lane].AddRange(_points[lane]);
        }

        return copy;
    }

    public PolynomialDecoderState ToProto()
    {
        var state = new PolynomialDecoderState
        {
            PointsNeeded = (uint)_valueCount,
            PolynomialCount = Lanes,
            Complete = _complete,
        };
        foreach (List<(ushort X, ushort Y)> points in _points)
        {
            var bytes = new byte[4 * points.Count];
            for (int i = 0; i < points.Count; i++)
            {
                bytes[4 * i] = (byte)(points[i].X >> 8);
                bytes[(4 * i) + 1] = (byte)points[i].X;
                bytes[(4 * i) + 2] = (byte)(points[i].Y >> 8);
                bytes[(4 * i) + 3] = (byte)points[i].Y;
            }

            state.Points.Add(ByteString.CopyFrom(bytes));
        }

        return state;
    }

    /// <summary>
    /// Reads a persisted decoder of a message of <paramref name="messageLength"/> bytes. Returns false when the
    /// state is for another length or does not hold 16 lanes of whole 4-byte points. Points are re-sorted by x
    /// and a repeated x keeps its first point, as when the chunks were added.
    /// </summary>
    public static bool TryFromProto(PolynomialDecoderState? state, int messageLength, [NotNullWhen(true)] out PolynomialDecoder? decoder)
    {
        decoder = null;
        if (state is null || !TryCreate(messageLength, out PolynomialDecoder? created) || state.PointsNeeded != (uint)(messageLength / 2) || state.Points.Count != Lanes)
        {
            return false;
        }

        for (int lane = 0; lane < Lanes; lane++)
        {
            ReadOnlySpan<byte> bytes = state.Points[lane].Span;
            if (bytes.Length % 4 != 0)
            {
                return false;
            }

            List<(ushort X, ushort Y)> points = created._points[lane];
            for (int offset = 0; offset < bytes.Length; offset += 4)
            {
                ushort x = (ushort)((bytes[offset] << 8) | bytes[offset + 1]);
                ushort y = (ushort)((bytes[offset + 2] << 8) | bytes[offset + 3]);
                int at = Find(points, x);
                if (at < 0)
                {
                    points.Insert(~at, (x, y));
                }
            }
        }

        created._complete = state.Complete;
        decoder = created;
        return true;
    }
}
