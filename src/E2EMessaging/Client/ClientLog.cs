using E2EMessaging.Protocol;
using E2EMessaging.Wire;
using Microsoft.Extensions.Logging;

namespace E2EMessaging.Client;

/// <summary>The client's log lines: addresses, ids, counts and kinds only — never content or key material.</summary>
internal static partial class ClientLog
{
    [LoggerMessage(1, LogLevel.Information, "Device {Device} connected")]
    public static partial void Connected(ILogger logger, ProtocolAddress device);

    [LoggerMessage(2, LogLevel.Debug, "Message {Id} accepted by the relay for {Count} devices")]
    public static partial void Accepted(ILogger logger, ClientMessageId id, int count);

    [LoggerMessage(3, LogLevel.Information, "Message {Id}: device mismatch (missing {Missing}, extra {Extra}, stale {Stale}); fixing and resubmitting")]
    public static partial void Mismatch(ILogger logger, ClientMessageId id, int missing, int extra, int stale);

    [LoggerMessage(4, LogLevel.Warning, "Message {Id}: submit attempt {Attempt} failed ({Kind}); retrying in {Delay}")]
    public static partial void SubmitRetry(ILogger logger, ClientMessageId id, int attempt, MessagingErrorKind kind, TimeSpan delay);

    [LoggerMessage(5, LogLevel.Warning, "Envelope {Id} from {Sender} could not be decrypted ({Kind}); retry requested")]
    public static partial void DecryptionFailed(ILogger logger, ClientMessageId id, ProtocolAddress sender, string kind);

    [LoggerMessage(6, LogLevel.Warning, "Envelope {Id} from {Sender} has malformed content ({Kind}); dropped")]
    public static partial void BadContent(ILogger logger, ClientMessageId id, ProtocolAddress sender, MessagingErrorKind kind);

    [LoggerMessage(7, LogLevel.Information, "Group {Group}: new sender key {Distribution}")]
    public static partial void SenderKeyRotated(ILogger logger, Guid group, Guid distribution);

    [LoggerMessage(8, LogLevel.Debug, "Duplicate {Id} from {Sender} dropped")]
    public static partial void Duplicate(ILogger logger, ClientMessageId id, ProtocolAddress sender);

    [LoggerMessage(9, LogLevel.Warning, "Message {Id} stays in the outbox after {Attempts} attempts")]
    public static partial void LeftInOutbox(ILogger logger, ClientMessageId id, int attempts);

    [LoggerMessage(10, LogLevel.Warning, "Background task failed ({What})")]
    public static partial void BackgroundFailed(ILogger logger, string what, Exception exception);

    [LoggerMessage(11, LogLevel.Information, "Uploaded prekeys: {Count} one-time of each kind")]
    public static partial void PreKeysUploaded(ILogger logger, int count);

    [LoggerMessage(12, LogLevel.Information, "Resent {Id} to {Device} on its request")]
    public static partial void Resent(ILogger logger, ClientMessageId id, ProtocolAddress device);
}
