using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Google.Protobuf;

namespace E2EMessaging.Protocol;

/// <summary>Protobuf parsing that answers bad input with <see cref="ProtocolException"/> only.</summary>
internal static class ProtobufReader
{
    /// <summary>Parses <paramref name="data"/>, refusing more than <paramref name="maxLength"/> bytes before the parser allocates for them.</summary>
    public static T Parse<T>(MessageParser<T> parser, ReadOnlySpan<byte> data, string what, int maxLength = Limits.MaxKeyRecordLength)
        where T : IMessage<T>
    {
        if (data.Length > maxLength)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidEncoding, $"The {what} is {data.Length} bytes; the limit is {maxLength}.");
        }

        try
        {
            return parser.ParseFrom(data);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ProtocolException(ProtocolErrorKind.InvalidEncoding, $"The {what} is not valid protobuf.", e);
        }
    }

    /// <summary>Wipes the bytes behind a parsed secret field (the parser gave us our own copy).</summary>
    public static void Wipe(ByteString secret)
    {
        if (!secret.IsEmpty && MemoryMarshal.TryGetArray(secret.Memory, out ArraySegment<byte> segment))
        {
            CryptographicOperations.ZeroMemory(segment.AsSpan());
        }
    }
}
