using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace E2EMessaging.Client;

/// <summary>The client's meter and activity source, both named "E2EMessaging". Tags carry counts and kinds, never content.</summary>
internal sealed class ClientTelemetry : IDisposable
{
    public const string Name = "E2EMessaging";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Meter? _ownedMeter;

    public ClientTelemetry(IMeterFactory? meterFactory)
    {
        Meter meter = meterFactory?.Create(Name) ?? (_ownedMeter = new Meter(Name));
        MessagesSent = meter.CreateCounter<long>("e2emessaging.client.messages_sent", description: "Messages accepted by the relay (tick 1).");
        EnvelopesEncrypted = meter.CreateCounter<long>("e2emessaging.client.envelopes_encrypted", description: "Per-device ciphertexts produced (fan-out cost).");
        MessagesReceived = meter.CreateCounter<long>("e2emessaging.client.messages_received", description: "Contents decrypted and stored.");
        Duplicates = meter.CreateCounter<long>("e2emessaging.client.duplicates", description: "Deliveries dropped as duplicates.");
        DecryptionFailures = meter.CreateCounter<long>("e2emessaging.client.decryption_failures", description: "Envelopes that could not be decrypted.");
        SubmitRetries = meter.CreateCounter<long>("e2emessaging.client.submit_retries", description: "Submits retried after a transport failure or refusal.");
        DeviceMismatches = meter.CreateCounter<long>("e2emessaging.client.device_mismatches", description: "Submits answered with a device mismatch.");
        SenderKeyRotations = meter.CreateCounter<long>("e2emessaging.client.sender_key_rotations", description: "New sender keys.");
    }

    public Counter<long> MessagesSent { get; }

    public Counter<long> EnvelopesEncrypted { get; }

    public Counter<long> MessagesReceived { get; }

    public Counter<long> Duplicates { get; }

    public Counter<long> DecryptionFailures { get; }

    public Counter<long> SubmitRetries { get; }

    public Counter<long> DeviceMismatches { get; }

    public Counter<long> SenderKeyRotations { get; }

    public void Dispose() => _ownedMeter?.Dispose();
}
