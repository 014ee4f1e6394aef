using E2EMessaging.Protocol;
using Microsoft.Extensions.Logging;

namespace E2EMessaging.Relay;

/// <summary>The relay's log messages: identifiers (addresses, ids, counts, kinds) only, never keys or content.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Account {Account} registered with device 1")]
    public static partial void AccountRegistered(ILogger logger, string account);

    [LoggerMessage(2, LogLevel.Information, "Device {Device} linked")]
    public static partial void DeviceLinked(ILogger logger, ProtocolAddress device);

    [LoggerMessage(3, LogLevel.Information, "Device {Device} unlinked")]
    public static partial void DeviceUnlinked(ILogger logger, ProtocolAddress device);

    [LoggerMessage(4, LogLevel.Debug, "Connection authenticated as {Device}")]
    public static partial void Authenticated(ILogger logger, ProtocolAddress device);

    [LoggerMessage(5, LogLevel.Information, "Authentication failed for {Device}: {Reason}")]
    public static partial void AuthenticationFailed(ILogger logger, ProtocolAddress device, string reason);

    [LoggerMessage(6, LogLevel.Debug, "Submit {ClientMessageId} from {Sender} accepted for {Recipients} devices")]
    public static partial void SubmitAccepted(ILogger logger, Wire.ClientMessageId clientMessageId, ProtocolAddress sender, int recipients);

    [LoggerMessage(7, LogLevel.Debug, "Submit {ClientMessageId} from {Sender} refused: {Kind}")]
    public static partial void SubmitRefused(ILogger logger, Wire.ClientMessageId clientMessageId, ProtocolAddress sender, MessagingErrorKind kind);

    [LoggerMessage(8, LogLevel.Debug, "Request refused: {Kind}")]
    public static partial void RequestRefused(ILogger logger, MessagingErrorKind kind);

    [LoggerMessage(9, LogLevel.Error, "Request failed inside the relay")]
    public static partial void RequestFailed(ILogger logger, Exception exception);

    [LoggerMessage(10, LogLevel.Warning, "Wake-up for {Device} failed")]
    public static partial void WakeUpFailed(ILogger logger, ProtocolAddress device, Exception exception);

    [LoggerMessage(11, LogLevel.Error, "Delivery to {Device} stopped")]
    public static partial void DeliveryFailed(ILogger logger, ProtocolAddress device, Exception exception);

    [LoggerMessage(12, LogLevel.Information, "Retention sweep dropped {Envelopes} envelopes and {DedupeEntries} dedupe entries")]
    public static partial void Swept(ILogger logger, int envelopes, int dedupeEntries);
}
