using System.Diagnostics;
using System.Diagnostics.Metrics;
using E2EMessaging.Protocol;
using E2EMessaging.Relay.Stores;
using E2EMessaging.Transport;
using E2EMessaging.Wire;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Proto = E2EMessaging.Proto;

namespace E2EMessaging.Relay;

/// <summary>
/// The blind relay: authenticates devices, keeps the device and prekey directories, persists each submitted envelope
/// in its recipient device's inbox before acknowledging (tick 1), pushes envelopes to connected devices or asks the
/// host's <see cref="IPushNotifier"/> to wake offline ones, and deletes an envelope only when its device acknowledges it.
/// It reads routing metadata only; ciphertexts are opaque bytes it stores and forwards.
/// </summary>
/// <remarks>
/// Hosts accept a connection with <see cref="Accept"/> and pump its frames (see <see cref="RelayConnection"/>), and call
/// <see cref="SweepAsync"/> periodically (say hourly) to apply inbox retention and the dedupe window. Thread-safe;
/// requests for different devices run in parallel (submits are serialized per sender device only).
/// </remarks>
public sealed partial class RelayServer : IDisposable
{
    private readonly IInboxStore _inbox;
    private readonly IRelayDedupeStore _dedupe;
    private readonly IPrekeyDirectory _prekeys;
    private readonly IDeviceDirectory _devices;
    private readonly IPushNotifier _push;
    private readonly RelayOptions _options;
    private readonly TimeProvider _time;
    private readonly IRandomSource _random;
    private readonly ILogger _logger;
    private readonly RelayMetrics _metrics;
    private readonly RateLimiter _rateLimiter;
    private readonly KeyedLock<ProtocolAddress> _senderLocks = new();

    /// <summary>Creates the relay over its stores. Usually resolved from DI (<c>services.AddE2EMessagingRelay()</c>).</summary>
    public RelayServer(
        IInboxStore inboxStore,
        IRelayDedupeStore dedupeStore,
        IPrekeyDirectory prekeyDirectory,
        IDeviceDirectory deviceDirectory,
        IOptions<RelayOptions> options,
        IPushNotifier? pushNotifier = null,
        TimeProvider? timeProvider = null,
        IRandomSource? random = null,
        ILogger<RelayServer>? logger = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(inboxStore);
        ArgumentNullException.ThrowIfNull(dedupeStore);
        ArgumentNullException.ThrowIfNull(prekeyDirectory);
        ArgumentNullException.ThrowIfNull(deviceDirectory);
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _options.Validate();
        _inbox = inboxStore;
        _dedupe = dedupeStore;
        _prekeys = prekeyDirectory;
        _devices = deviceDirectory;
        _push = pushNotifier ?? NullPushNotifier.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _random = random ?? SystemRandomSource.Instance;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _metrics = new RelayMetrics(meterFactory);
        _rateLimiter = new RateLimiter(_time, _options);
    }

    internal ConnectionRegistry Connections { get; } = new();

    /// <summary>A new, unauthenticated connection.</summary>
    public RelayConnection Accept() => new(this);

    /// <summary>
    /// Applies the retention limits: drops envelopes older than <see cref="RelayOptions.InboxRetention"/> and dedupe
    /// entries older than <see cref="RelayOptions.DedupeRetention"/>. Returns how many envelopes were dropped.
    /// </summary>
    public async ValueTask<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        DateTimeOffset now = _time.GetUtcNow();
        int envelopes = await _inbox.DeleteOlderThanAsync(now - _options.InboxRetention, cancellationToken).ConfigureAwait(false);
        int entries = await _dedupe.DeleteOlderThanAsync(now - _options.DedupeRetention, cancellationToken).ConfigureAwait(false);
        _rateLimiter.Prune();
        _metrics.EnvelopesExpired.Add(envelopes);
        Log.Swept(_logger, envelopes, entries);
        return envelopes;
    }

    /// <inheritdoc />
    public void Dispose() => _metrics.Dispose();

    internal async ValueTask<ReadOnlyMemory<byte>> HandleAsync(RelayConnection connection, ReadOnlyMemory<byte> requestFrame, CancellationToken cancellationToken)
    {
        ulong requestId = 0;
        try
        {
            if (connection.IsClosed)
            {
                throw new MessagingException(MessagingErrorKind.Disconnected, "The connection is closed.");
            }

            Proto.ClientFrame frame = RelayFrames.ParseClientFrame(requestFrame.Span);
            requestId = frame.RequestId;
            using Activity? activity = RelayTelemetry.ActivitySource.StartActivity("relay." + frame.RequestCase.ToString());
            Proto.ServerFrame answer = RelayFrames.Answer(requestId);
            await DispatchAsync(connection, frame, answer, cancellationToken).ConfigureAwait(false);
            activity?.SetTag("e2emessaging.outcome", answer.BodyCase.ToString());
            return answer.ToByteArray();
        }
        catch (MessagingException e)
        {
            _metrics.Refusals.Add(1, new KeyValuePair<string, object?>("kind", e.Kind.ToString()));
            Log.RequestRefused(_logger, e.Kind);
            return RelayFrames.Error(requestId, e);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A store failure must become an error frame, not tear down the host's connection loop.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.RequestFailed(_logger, e);
            return RelayFrames.Error(requestId, new MessagingException(MessagingErrorKind.ServerError, "The relay failed; nothing was changed by this request, or a retry is safe."));
        }
    }

    private async ValueTask DispatchAsync(RelayConnection connection, Proto.ClientFrame frame, Proto.ServerFrame answer, CancellationToken cancellationToken)
    {
        switch (frame.RequestCase)
        {
            case Proto.ClientFrame.RequestOneofCase.GetChallenge:
                answer.Challenge = new Proto.Challenge { Nonce = UnsafeByteOperations.UnsafeWrap(NewChallenge(connection)) };
                return;
            case Proto.ClientFrame.RequestOneofCase.Authenticate:
                await AuthenticateAsync(connection, frame.Authenticate, cancellationToken).ConfigureAwait(false);
                answer.Ok = new Proto.Ok();
                return;
            case Proto.ClientFrame.RequestOneofCase.RegisterAccount:
                await RegisterAccountAsync(connection, frame.RegisterAccount, cancellationToken).ConfigureAwait(false);
                answer.Ok = new Proto.Ok();
                return;
        }

        // Everything else needs a proven device.
        ProtocolAddress device = connection.Device
            ?? throw new MessagingException(MessagingErrorKind.Unauthenticated, "Authenticate the connection first.");
        switch (frame.RequestCase)
        {
            case Proto.ClientFrame.RequestOneofCase.LinkDevice:
                answer.LinkedDevice = new Proto.LinkedDevice { Device = WireCodec.WriteAddress(await LinkDeviceAsync(device, frame.LinkDevice, cancellationToken).ConfigureAwait(false)) };
                return;
            case Proto.ClientFrame.RequestOneofCase.UnlinkDevice:
                await UnlinkDeviceAsync(device, frame.UnlinkDevice, cancellationToken).ConfigureAwait(false);
                answer.Ok = new Proto.Ok();
                return;
            case Proto.ClientFrame.RequestOneofCase.UploadPreKeys:
                answer.PreKeyCounts = RelayFrames.WriteCounts(await UploadPreKeysAsync(device, frame.UploadPreKeys, cancellationToken).ConfigureAwait(false));
                return;
            case Proto.ClientFrame.RequestOneofCase.GetPreKeyCounts:
                answer.PreKeyCounts = RelayFrames.WriteCounts(await _prekeys.GetCountsAsync(device, cancellationToken).ConfigureAwait(false));
                return;
            case Proto.ClientFrame.RequestOneofCase.FetchBundles:
                answer.Bundles = await FetchBundlesAsync(device, frame.FetchBundles, cancellationToken).ConfigureAwait(false);
                return;
            case Proto.ClientFrame.RequestOneofCase.FetchDevices:
                answer.Devices = await FetchDevicesAsync(frame.FetchDevices, cancellationToken).ConfigureAwait(false);
                return;
            case Proto.ClientFrame.RequestOneofCase.Submit:
                answer.SubmitResult = (await SubmitAsync(device, frame.Submit, cancellationToken).ConfigureAwait(false)).ToProto();
                return;
            case Proto.ClientFrame.RequestOneofCase.Acknowledge:
                await AcknowledgeAsync(device, frame.Acknowledge, cancellationToken).ConfigureAwait(false);
                answer.Ok = new Proto.Ok();
                return;
            default:
                throw new MessagingException(MessagingErrorKind.InvalidEncoding, $"Unknown request {frame.RequestCase}.");
        }
    }

    private static MessagingException Refuse(MessagingErrorKind kind, string message, TimeSpan? retryAfter = null) => new(kind, message, retryAfter);
}
