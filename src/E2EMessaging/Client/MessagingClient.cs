using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using E2EMessaging.Protocol;
using E2EMessaging.Protocol.Groups;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.Sessions;
using E2EMessaging.Receipts;
using E2EMessaging.Search;
using E2EMessaging.Status;
using E2EMessaging.Storage;
using E2EMessaging.Transport;
using E2EMessaging.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace E2EMessaging.Client;

/// <summary>
/// One device's end of end-to-end encrypted messaging: registers the device and keeps its prekeys stocked, sends
/// 1:1 and group messages (assigning each a <see cref="ClientMessageId"/> and writing it to the outbox before the
/// network sees it), fans out per device or once per group with a sender key, receives, deduplicates, stores and
/// acknowledges, sends and applies delivery and read receipts, and reports every tick.
/// </summary>
/// <remarks>
/// Create one per device and keep it for the device's lifetime. Calls may run concurrently: sessions serialize per
/// remote device, groups per group; there is no global lock. Nothing this type logs, traces or throws contains
/// message content or key material.
/// </remarks>
public sealed partial class MessagingClient : IAsyncDisposable
{
    private readonly MessagingClientOptions _options;
    private readonly ITransport _transport;
    private readonly ProtocolStores _protocol;
    private readonly MessagingStores _stores;
    private readonly TimeProvider _time;
    private readonly IRandomSource _random;
    private readonly ILogger _logger;
    private readonly ClientTelemetry _telemetry;
    private readonly SessionCipher _sessions;
    private readonly GroupCipher _groups;
    private readonly ClientMessageIdGenerator _ids;
    private readonly MessageStatusTracker _tracker;
    private readonly ReceiptBatcher _receipts;
    private readonly ReceiptProcessor _receiptProcessor;
    private readonly Broadcast<ReceivedMessage> _received = new();
    private readonly Broadcast<ClientEvent> _events = new();
    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> _groupLocks = new();
    private readonly ConcurrentDictionary<(string Sender, ClientMessageId Id), int> _retryRequestsSent = new();
    private readonly ConcurrentDictionary<(ProtocolAddress Requester, ClientMessageId Id), int> _resendsServed = new();
    private readonly CancellationTokenSource _disposed = new();
    private readonly SemaphoreSlim _receiveGate = new(1, 1);
    private readonly SemaphoreSlim _reconnectGate = new(1, 1);
    private CancellationTokenSource? _connection;
    private int _connectionEpoch;
    private Task _receiveLoop = Task.CompletedTask;
    private TaskCompletionSource _inboxDrained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ITimer? _signedPreKeyTimer;

    /// <summary>Creates the client of one device.</summary>
    /// <param name="options">The device's account and id, and the client's policies.</param>
    /// <param name="transport">The connection to the relay.</param>
    /// <param name="protocolStores">The device's Signal protocol stores (its identity among them).</param>
    /// <param name="stores">Messaging stores; in-memory ones when null.</param>
    /// <param name="timeProvider">The clock; the system's when null.</param>
    /// <param name="random">Randomness; the operating system's CSPRNG when null.</param>
    /// <param name="loggerFactory">Logging; none when null.</param>
    /// <param name="meterFactory">Metrics ("E2EMessaging" meter); a private meter when null.</param>
    public MessagingClient(
        MessagingClientOptions options,
        ITransport transport,
        ProtocolStores protocolStores,
        MessagingStores? stores = null,
        TimeProvider? timeProvider = null,
        IRandomSource? random = null,
        ILoggerFactory? loggerFactory = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(protocolStores);
        WireCodec.AsArgument(() => WireCodec.RequireAccount(options.Account), nameof(options));
        if (!WireCodec.IsValidDeviceId(options.DeviceId))
        {
            ThrowHelper.Argument(nameof(options), "The device id must be 1 to 127.");
        }

        _options = options;
        _transport = transport;
        _protocol = protocolStores;
        _stores = stores ?? new MessagingStores();
        _time = timeProvider ?? TimeProvider.System;
        _random = random ?? SystemRandomSource.Instance;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<MessagingClient>();
        _telemetry = new ClientTelemetry(meterFactory);
        Address = new ProtocolAddress(options.Account, options.DeviceId);
        _sessions = new SessionCipher(Address, _protocol.Identity, _protocol.Sessions, _protocol.PreKeys, _protocol.SignedPreKeys, _protocol.KyberPreKeys, _time, _random);
        _groups = new GroupCipher(_protocol.SenderKeys, _random);
        _ids = new ClientMessageIdGenerator(_time, _random);
        _tracker = new MessageStatusTracker(_stores.Messages);
        _receipts = new ReceiptBatcher(options.Receipts, _time, SendReceiptAsync);
        _receipts.SendFailed += e => ClientLog.BackgroundFailed(_logger, "receipt", e);
        _receiptProcessor = new ReceiptProcessor(_stores.Messages, _tracker, options.Account, options.Receipts);
    }

    /// <summary>This device's address.</summary>
    public ProtocolAddress Address { get; }

    /// <summary>This device's messaging stores (messages, statuses, outbox, groups, device lists).</summary>
    public MessagingStores Stores => _stores;

    /// <summary>
    /// On-device search over the messages this client stored since it started (sent, received and synced; edits and
    /// deletes applied). Queries never leave the device. After a restart, feed it the host's stored messages again
    /// (<see cref="MessageSearchIndex.Add"/>) to search older ones.
    /// </summary>
    public MessageSearchIndex Search { get; } = new();

    /// <summary>Every status change of this device's outgoing messages, from now on: Sent, Delivered, Read per recipient device, and "read by N of M" in large groups.</summary>
    public IAsyncEnumerable<MessageStatusChange> WatchStatusAsync(CancellationToken cancellationToken = default) => _tracker.WatchAsync(cancellationToken);

    /// <summary>Every message this device receives and stores, from now on (including this account's messages sent from its other devices).</summary>
    public IAsyncEnumerable<ReceivedMessage> WatchMessagesAsync(CancellationToken cancellationToken = default) => _received.SubscribeAsync(cancellationToken);

    /// <summary>What the client does on its own (connections, prekey uploads, sender-key rotations, retries), from now on.</summary>
    public IAsyncEnumerable<ClientEvent> WatchEventsAsync(CancellationToken cancellationToken = default) => _events.SubscribeAsync(cancellationToken);

    /// <summary>Completes when the relay has sent everything that waited in the inbox on the current connection.</summary>
    public Task WhenInboxDrainedAsync(CancellationToken cancellationToken = default) => _inboxDrained.Task.WaitAsync(cancellationToken);

    /// <summary>The per-device statuses of an outgoing message.</summary>
    public ValueTask<IReadOnlyDictionary<ProtocolAddress, DeliveryStatus>> GetStatusesAsync(ClientMessageId id, CancellationToken cancellationToken = default) =>
        _stores.Messages.GetStatusesAsync(id, cancellationToken);

    /// <summary>Sends pending receipts now instead of at the end of their batch window.</summary>
    public ValueTask FlushReceiptsAsync(CancellationToken cancellationToken = default) => _receipts.FlushAsync(cancellationToken);

    /// <summary>Stops receiving (the transport stays as it is) and releases timers.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        await _disposed.CancelAsync().ConfigureAwait(false);
        _signedPreKeyTimer?.Dispose();
        if (_connection is { } connection)
        {
            await connection.CancelAsync().ConfigureAwait(false);
        }

        try
        {
            await _receiveLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await _receipts.DisposeAsync().ConfigureAwait(false);
        _connection?.Dispose();
        _telemetry.Dispose();
        _disposed.Dispose();
    }

    /// <summary>The type name and address.</summary>
    public override string ToString() => $"{nameof(MessagingClient)}({Address})";

    private void Raise(ClientEventKind kind, string detail) => _events.Publish(new ClientEvent(kind, detail));

    private DateTimeOffset Now => _time.GetUtcNow();

    private SemaphoreSlim GroupLock(Guid groupId) => _groupLocks.GetOrAdd(groupId, _ => new SemaphoreSlim(1, 1));

    private async ValueTask<IdentityKeyPair> IdentityAsync(CancellationToken cancellationToken) =>
        await _protocol.Identity.GetIdentityKeyPairAsync(cancellationToken).ConfigureAwait(false);

    private async ValueTask<uint> RegistrationIdAsync(CancellationToken cancellationToken) =>
        await _protocol.Identity.GetLocalRegistrationIdAsync(cancellationToken).ConfigureAwait(false);
}
