using System.Diagnostics.CodeAnalysis;

namespace E2EMessaging;

/// <summary>Throw sites kept out of hot methods.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void Messaging(MessagingErrorKind kind, string message) => throw new MessagingException(kind, message);

    [DoesNotReturn]
    public static T Messaging<T>(MessagingErrorKind kind, string message) => throw new MessagingException(kind, message);

    [DoesNotReturn]
    public static void Argument(string paramName, string message) => throw new ArgumentException(message, paramName);

    [DoesNotReturn]
    public static void InvalidOperation(string message) => throw new InvalidOperationException(message);
}
