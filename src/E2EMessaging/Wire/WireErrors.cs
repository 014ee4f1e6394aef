using Proto = E2EMessaging.Proto;

namespace E2EMessaging.Wire;

/// <summary>Errors on the wire: a <see cref="MessagingErrorKind"/>, a short text, an optional retry hint.</summary>
internal static class WireErrors
{
    public static Proto.Error ToProto(MessagingErrorKind kind, string message, TimeSpan? retryAfter) => new()
    {
        Kind = (uint)kind,
        Message = message.Length > WireLimits.MaxErrorMessageLength ? message[..WireLimits.MaxErrorMessageLength] : message,
        RetryAfterMs = retryAfter is { } r ? (ulong)Math.Max(1, (long)Math.Ceiling(r.TotalMilliseconds)) : 0,
    };

    public static Proto.Error ToProto(MessagingException exception) => ToProto(exception.Kind, exception.Message, exception.RetryAfter);

    public static (MessagingErrorKind Kind, string Message, TimeSpan? RetryAfter) FromProto(Proto.Error? error)
    {
        if (error is null)
        {
            return WireThrow.Invalid<(MessagingErrorKind, string, TimeSpan?)>("An error frame is empty.");
        }

        var kind = (MessagingErrorKind)error.Kind;
        if (!Enum.IsDefined(kind))
        {
            kind = MessagingErrorKind.ServerError;
        }

        string message = error.Message.Length > WireLimits.MaxErrorMessageLength ? error.Message[..WireLimits.MaxErrorMessageLength] : error.Message;
        TimeSpan? retryAfter = error.RetryAfterMs == 0 ? null : TimeSpan.FromMilliseconds(Math.Min(error.RetryAfterMs, (ulong)TimeSpan.FromDays(1).TotalMilliseconds));
        return (kind, message, retryAfter);
    }

    public static MessagingException ToException(Proto.Error? error)
    {
        (MessagingErrorKind kind, string message, TimeSpan? retryAfter) = FromProto(error);
        return new MessagingException(kind, message, retryAfter);
    }
}
