using System.Diagnostics.CodeAnalysis;

namespace E2EMessaging.Protocol;

/// <summary>Throw sites kept out of hot methods so that those stay small enough to inline.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void Protocol(ProtocolErrorKind kind, string message) => throw new ProtocolException(kind, message);

    [DoesNotReturn]
    public static T Protocol<T>(ProtocolErrorKind kind, string message) => throw new ProtocolException(kind, message);

    [DoesNotReturn]
    public static void ArgumentOutOfRange(string paramName, string message) => throw new ArgumentOutOfRangeException(paramName, message);

    [DoesNotReturn]
    public static void Argument(string paramName, string message) => throw new ArgumentException(message, paramName);

    [DoesNotReturn]
    public static void ObjectDisposed(object instance) => throw new ObjectDisposedException(instance.GetType().Name);
}
