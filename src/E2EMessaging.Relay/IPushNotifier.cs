using E2EMessaging.Protocol;

namespace E2EMessaging.Relay;

/// <summary>
/// The host's push service (APNs, FCM, …), used to wake an offline device so it connects and drains its inbox. A
/// wake-up carries no content and no sender, and it is not delivery: the envelope stays in the inbox until the device
/// connects and acknowledges it. Failures are logged and ignored (the envelope waits either way).
/// </summary>
public interface IPushNotifier
{
    /// <summary>Asks <paramref name="device"/> to connect. Called at most once per submit per offline device.</summary>
    ValueTask WakeAsync(ProtocolAddress device, CancellationToken cancellationToken = default);
}

/// <summary>A push notifier that does nothing: devices find their messages when they next connect.</summary>
public sealed class NullPushNotifier : IPushNotifier
{
    /// <summary>The one instance.</summary>
    public static NullPushNotifier Instance { get; } = new();

    /// <inheritdoc />
    public ValueTask WakeAsync(ProtocolAddress device, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}
