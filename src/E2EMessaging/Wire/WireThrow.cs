using System.Diagnostics.CodeAnalysis;
using Google.Protobuf;

namespace E2EMessaging.Wire;

/// <summary>Throw sites and parsing for the wire formats: bad input becomes <see cref="MessagingException"/>, nothing else.</summary>
internal static class WireThrow
{
    [DoesNotReturn]
    public static void Invalid(string message) => throw new MessagingException(MessagingErrorKind.InvalidEncoding, message);

    [DoesNotReturn]
    public static T Invalid<T>(string message) => throw new MessagingException(MessagingErrorKind.InvalidEncoding, message);

    [DoesNotReturn]
    public static void Kind(MessagingErrorKind kind, string message) => throw new MessagingException(kind, message);

    /// <summary>Parses <paramref name="data"/>, refusing more than <paramref name="maxLength"/> bytes before the parser allocates for them.</summary>
    public static T Parse<T>(MessageParser<T> parser, ReadOnlySpan<byte> data, string what, int maxLength)
        where T : IMessage<T>
    {
        if (data.Length > maxLength)
        {
            Kind(MessagingErrorKind.TooLarge, $"The {what} is {data.Length} bytes; the limit is {maxLength}.");
        }

        if (data.IsEmpty)
        {
            Invalid($"The {what} is empty.");
        }

        try
        {
            return parser.ParseFrom(data);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new MessagingException(MessagingErrorKind.InvalidEncoding, $"The {what} is not valid protobuf.", e);
        }
    }
}
