using System.Diagnostics.CodeAnalysis;
using E2EMessaging.Protocol.Proto.Spqr;
using Google.Protobuf;

namespace E2EMessaging.Protocol.Spqr;

// The encoder as SPQR v1.5.3 persists it (PolynomialEncoderState): the counter, and either the 16 lanes' values
// (each lane its values big-endian, 2 bytes apiece) while no chunk past the message has been made, or, from the
// first such chunk on, the 16 lanes' polynomials (coefficients lowest degree first, 2 bytes big-endian apiece).
// Exactly one of the two lists is non-empty. Writing the same list the crate would write keeps state bytes equal.
internal sealed partial class PolynomialEncoder
{
    /// <summary>
    /// A copy at the same position. The copy and the original advance independently; the lane values and
    /// polynomials are never modified once set, so they are shared.
    /// </summary>
    public PolynomialEncoder Clone() => new(_values, _polynomials, NextIndex);

    public PolynomialEncoderState ToProto()
    {
        var state = new PolynomialEncoderState { NextIndex = NextIndex };
        if (_polynomials is { } polynomials)
        {
            foreach (Gf16[] polynomial in polynomials)
            {
                state.Polynomials.Add(ByteString.CopyFrom(ToBigEndian(polynomial)));
            }
        }
        else
        {
            foreach (Gf16[] lane in _values!)
            {
                state.Points.Add(ByteString.CopyFrom(ToBigEndian(lane)));
            }
        }

        return state;
    }

    /// <summary>
    /// Reads a persisted encoder of a message of <paramref name="messageLength"/> bytes. Returns false when the
    /// state is not one an encoder of that message can be in: not exactly one of the two lists holding 16
    /// entries, or a lane whose number of values (or coefficients) is not the lane's share of the message.
    /// </summary>
    public static bool TryFromProto(PolynomialEncoderState? state, int messageLength, [NotNullWhen(true)] out PolynomialEncoder? encoder)
    {
        encoder = null;
        if (state is null || messageLength % 2 != 0 || (uint)messageLength > MaxMessageLength)
        {
            return false;
        }

        bool hasPoints = state.Points.Count != 0;
        bool hasPolynomials = state.Polynomials.Count != 0;
        if (hasPoints == hasPolynomials)
        {
            return false;
        }

        var lanes = hasPoints ? state.Points : state.Polynomials;
        if (lanes.Count != Lanes)
        {
            return false;
        }

        int valueCount = messageLength / 2;
        var decoded = new Gf16[Lanes][];
        for (int lane = 0; lane < Lanes; lane++)
        {
            ReadOnlySpan<byte> bytes = lanes[lane].Span;
            if (bytes.Length != 2 * PointsInLane(valueCount, lane))
            {
                return false;
            }

            decoded[lane] = FromBigEndian(bytes);
        }

        encoder = hasPoints
            ? new PolynomialEncoder(decoded, null, state.NextIndex)
            : new PolynomialEncoder(null, decoded, state.NextIndex);
        return true;
    }

    private static byte[] ToBigEndian(Gf16[] values)
    {
        var bytes = new byte[2 * values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            bytes[2 * i] = (byte)(values[i].Value >> 8);
            bytes[(2 * i) + 1] = (byte)values[i].Value;
        }

        return bytes;
    }

    private static Gf16[] FromBigEndian(ReadOnlySpan<byte> bytes)
    {
        var values = new Gf16[bytes.Length / 2];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = new Gf16((ushort)((bytes[2 * i] << 8) | bytes[(2 * i) + 1]));
        }

        return values;
    }
}
