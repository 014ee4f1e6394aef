using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace E2EMessaging.Relay;

/// <summary>
/// The relay's metrics (<see cref="MeterName"/>) and traces (<see cref="ActivitySourceName"/>). Tags carry outcomes
/// and kinds only — never an address, a key or content.
/// </summary>
public static class RelayTelemetry
{
    /// <summary>The name of the relay's <see cref="Meter"/>.</summary>
    public const string MeterName = "E2EMessaging.Relay";

    /// <summary>The name of the relay's <see cref="System.Diagnostics.ActivitySource"/>.</summary>
    public const string ActivitySourceName = "E2EMessaging.Relay";

    internal static readonly ActivitySource ActivitySource = new(ActivitySourceName);
}

/// <summary>The instruments, created from the host's meter factory (or a private meter when there is none).</summary>
internal sealed class RelayMetrics : IDisposable
{
    private readonly Meter _meter;

    public RelayMetrics(IMeterFactory? meterFactory)
    {
        _meter = meterFactory?.Create(RelayTelemetry.MeterName) ?? new Meter(RelayTelemetry.MeterName);
        Submits = _meter.CreateCounter<long>("e2emessaging.relay.submits", description: "Submits answered, by outcome (accepted, duplicate, device_mismatch, refused).");
        EnvelopesStored = _meter.CreateCounter<long>("e2emessaging.relay.envelopes.stored", description: "Envelopes appended to inboxes (tick 1).");
        EnvelopesDelivered = _meter.CreateCounter<long>("e2emessaging.relay.envelopes.pushed", description: "Envelopes pushed to connected devices (including redeliveries).");
        EnvelopesAcknowledged = _meter.CreateCounter<long>("e2emessaging.relay.envelopes.acknowledged", description: "Envelopes deleted on the recipient device's ack.");
        EnvelopesExpired = _meter.CreateCounter<long>("e2emessaging.relay.envelopes.expired", description: "Envelopes dropped by inbox retention.");
        WakeUps = _meter.CreateCounter<long>("e2emessaging.relay.wakeups", description: "Push wake-ups asked of the host for offline devices.");
        Refusals = _meter.CreateCounter<long>("e2emessaging.relay.refusals", description: "Requests refused, by error kind.");
        PreKeysServed = _meter.CreateCounter<long>("e2emessaging.relay.prekeys.served", description: "Prekey bundles served, by Kyber source (one_time, last_resort).");
        Authentications = _meter.CreateCounter<long>("e2emessaging.relay.authentications", description: "Device authentication attempts, by result.");
    }

    public Counter<long> Submits { get; }

    public Counter<long> EnvelopesStored { get; }

    public Counter<long> EnvelopesDelivered { get; }

    public Counter<long> EnvelopesAcknowledged { get; }

    public Counter<long> EnvelopesExpired { get; }

    public Counter<long> WakeUps { get; }

    public Counter<long> Refusals { get; }

    public Counter<long> PreKeysServed { get; }

    public Counter<long> Authentications { get; }

    public void Dispose() => _meter.Dispose();
}
