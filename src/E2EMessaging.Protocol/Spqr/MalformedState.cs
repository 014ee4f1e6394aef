using System.Diagnostics.CodeAnalysis;

namespace E2EMessaging.Protocol.Spqr;

/// <summary>
/// The one way reading a persisted braid state fails: <see cref="ProtocolException"/> with
/// <see cref="ProtocolErrorKind.InvalidEncoding"/>, naming the part that is wrong and never its contents.
/// </summary>
internal static class MalformedState
{
    /// <summary>Throws unless <paramref name="condition"/> holds.</summary>
    public static void ThrowUnless([DoesNotReturnIf(false)] bool condition, string part)
    {
        if (!condition)
        {
            Throw(part);
        }
    }

    /// <summary>Returns <paramref name="value"/>, or throws when it is null (a missing sub-message).</summary>
    public static T Require<T>([NotNull] T? value, string part)
        where T : class
    {
        if (value is null)
        {
            Throw(part);
        }

        return value;
    }

    /// <summary>Checks an epoch read from a state: epochs start at 1.</summary>
    public static ulong Epoch(ulong epoch)
    {
        ThrowUnless(epoch != 0, "epoch");
        return epoch;
    }

    /// <summary>Checks the length of a byte field and copies it out.</summary>
    public static byte[] Bytes(Google.Protobuf.ByteString value, int length, string part)
    {
        ThrowUnless(value.Length == length, part);
        return value.ToByteArray();
    }

    /// <summary>Throws; typed so that it can stand where a value is expected.</summary>
    [DoesNotReturn]
    public static T Fail<T>(string part) => throw Error(part);

    [DoesNotReturn]
    private static void Throw(string part) => throw Error(part);

    private static ProtocolException Error(string part) =>
        new(ProtocolErrorKind.InvalidEncoding, $"The SPQR braid state is malformed ({part}).");
}
