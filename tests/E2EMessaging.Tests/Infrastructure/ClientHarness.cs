using System.Collections.Concurrent;
using E2EMessaging.Client;
using E2EMessaging.Protocol;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Relay;
using E2EMessaging.Relay.Loopback;
using E2EMessaging.Relay.Stores;
using E2EMessaging.Status;
using E2EMessaging.Wire;
using Microsoft.Extensions.DependencyInjection;

namespace E2EMessaging.Tests.Infrastructure;

/// <summary>Records every wake-up the relay asks for.</summary>
internal sealed class RecordingPushNotifier : IPushNotifier
{
    public ConcurrentQueue<ProtocolAddress> WakeUps { get; } = new();

    public ValueTask WakeAsync(ProtocolAddress device, CancellationToken cancellationToken = default)
    {
        WakeUps.Enqueue(device);
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Every envelope the relay persists, as it persists it (to check that the relay never holds plaintext), and an
/// optional corruption of chosen envelopes (to make a recipient's decryption fail).
/// </summary>
internal sealed class RecordingInboxStore : IInboxStore
{
    private readonly InMemoryInboxStore _inner = new();

    public ConcurrentQueue<Envelope> Appended { get; } = new();

    /// <summary>When set and true for an envelope, one ciphertext byte is flipped before it is stored.</summary>
    public Func<Envelope, bool>? Corrupt { get; set; }

    public ValueTask<Envelope> AppendAsync(ProtocolAddress device, Envelope envelope, DateTimeOffset serverTimestamp, CancellationToken cancellationToken = default)
    {
        if (Corrupt is { } corrupt && corrupt(envelope))
        {
            byte[] ciphertext = envelope.Ciphertext.ToArray();
            ciphertext[^5] ^= 0x40;
            envelope = new Envelope(envelope.ClientMessageId, envelope.Sender, envelope.Recipient, envelope.Type, envelope.GroupId, envelope.ClientTimestamp, ciphertext);
        }

        Appended.Enqueue(envelope);
        return _inner.AppendAsync(device, envelope, serverTimestamp, cancellationToken);
    }

    public ValueTask<IReadOnlyList<Envelope>> ReadAsync(ProtocolAddress device, ulong afterSequence, int maxCount, CancellationToken cancellationToken = default) =>
        _inner.ReadAsync(device, afterSequence, maxCount, cancellationToken);

    public ValueTask<int> CountAsync(ProtocolAddress device, CancellationToken cancellationToken = default) => _inner.CountAsync(device, cancellationToken);

    public ValueTask<int> DeleteAsync(ProtocolAddress device, IReadOnlyCollection<ulong> serverSequences, CancellationToken cancellationToken = default) =>
        _inner.DeleteAsync(device, serverSequences, cancellationToken);

    public ValueTask<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default) => _inner.DeleteOlderThanAsync(cutoff, cancellationToken);

    public ValueTask DeleteInboxAsync(ProtocolAddress device, CancellationToken cancellationToken = default) => _inner.DeleteInboxAsync(device, cancellationToken);

    public IEnumerable<byte[]> StoredBytes() => _inner.DumpStoredBytes();
}

/// <summary>A relay (built through its DI registration) and client devices on loopback transports.</summary>
internal sealed class ClientHarness : IAsyncDisposable
{
    private static int _nextRegistrationId = 1000;
    private readonly ServiceProvider _services;
    private readonly List<TestClient> _clients = [];

    public ClientHarness(Action<RelayOptions>? relay = null, Func<LoopbackFaults?>? faults = null, Action<MessagingClientOptions>? client = null)
    {
        var services = new ServiceCollection();
        services.AddE2EMessagingRelay(o =>
        {
            o.PreKeyLowThreshold = 2;
            relay?.Invoke(o);
        }).Services.AddSingleton<IPushNotifier>(Push).AddSingleton<IInboxStore>(Inbox);
        _services = services.BuildServiceProvider();
        Relay = _services.GetRequiredService<RelayServer>();
        Faults = faults;
        ConfigureClient = client;
    }

    public RecordingPushNotifier Push { get; } = new();

    public RecordingInboxStore Inbox { get; } = new();

    public RelayServer Relay { get; }

    public Func<LoopbackFaults?>? Faults { get; }

    public Action<MessagingClientOptions>? ConfigureClient { get; }

    public IReadOnlyList<TestClient> Clients => _clients;

    /// <summary>A new account whose device 1 is registered (and online unless told otherwise).</summary>
    public async Task<TestClient> RegisterAsync(string account, bool online = true)
    {
        var client = new TestClient(this, account, 1);
        await client.Client.RegisterAccountAsync();
        if (!online)
        {
            await client.GoOfflineAsync();
        }

        _clients.Add(client);
        return client;
    }

    /// <summary>A new device of <paramref name="existing"/>'s account, linked by it, connected.</summary>
    public async Task<TestClient> LinkAsync(TestClient existing, bool online = true)
    {
        using IdentityKeyPair identity = IdentityKeyPair.Generate();
        uint registrationId = (uint)Interlocked.Increment(ref _nextRegistrationId);
        ProtocolAddress address = await existing.Client.LinkDeviceAsync(registrationId, identity.PublicKey);
        var client = new TestClient(this, address.Name, address.DeviceId, IdentityKeyPair.Deserialize(identity.Serialize()), registrationId);
        await client.Client.ConnectAsync();
        if (!online)
        {
            await client.GoOfflineAsync();
        }

        _clients.Add(client);
        return client;
    }

    internal static uint NextRegistrationId() => (uint)Interlocked.Increment(ref _nextRegistrationId);

    public async ValueTask DisposeAsync()
    {
        foreach (TestClient client in _clients)
        {
            await client.DisposeAsync();
        }

        Relay.Dispose();
        await _services.DisposeAsync();
    }
}

/// <summary>One device: its client, loopback transport, and everything it received or saw change.</summary>
internal sealed class TestClient : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _watchers;

    public TestClient(ClientHarness harness, string account, uint deviceId, IdentityKeyPair? identity = null, uint? registrationId = null)
    {
        Transport = new LoopbackTransport(harness.Relay, harness.Faults?.Invoke());
        var options = new MessagingClientOptions
        {
            Account = account,
            DeviceId = deviceId,
            PreKeyBatchSize = 10,
            RetryBaseDelay = TimeSpan.FromMilliseconds(5),
            MaxSubmitAttempts = 20,
        };
        options.Receipts.BatchWindow = TimeSpan.FromMilliseconds(20);
        harness.ConfigureClient?.Invoke(options);
        Client = new MessagingClient(options, Transport, ProtocolStores.InMemory(identity ?? IdentityKeyPair.Generate(), registrationId ?? ClientHarness.NextRegistrationId()), loggerFactory: Log);
        // Subscribed here, synchronously (an async iterator registers on its first MoveNextAsync), so that no
        // event raised right after construction is missed.
        _watchers = Task.WhenAll(
            Collect(Client.WatchMessagesAsync(_stop.Token), Received),
            Collect(Client.WatchStatusAsync(_stop.Token), Statuses),
            Collect(Client.WatchEventsAsync(_stop.Token), Events));
    }

    public LoopbackTransport Transport { get; }

    public RecordingLoggerFactory Log { get; } = new();

    public MessagingClient Client { get; }

    public ProtocolAddress Address => Client.Address;

    public ConcurrentQueue<ReceivedMessage> Received { get; } = new();

    public ConcurrentQueue<MessageStatusChange> Statuses { get; } = new();

    public ConcurrentQueue<ClientEvent> Events { get; } = new();

    public bool Online { get; private set; } = true;

    private static async Task Collect<T>(IAsyncEnumerable<T> stream, ConcurrentQueue<T> into)
    {
        await foreach (T item in stream)
        {
            into.Enqueue(item);
        }
    }

    public async ValueTask GoOfflineAsync()
    {
        await Client.DisconnectAsync();
        Transport.Disconnect();
        Online = false;
    }

    public async ValueTask GoOnlineAsync()
    {
        await Client.ConnectAsync();
        Online = true;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _watchers;
        }
        catch (OperationCanceledException)
        {
        }

        await Client.DisposeAsync();
        await Transport.DisposeAsync();
        _stop.Dispose();
    }
}

internal static class Eventually
{
    /// <summary>Polls until <paramref name="condition"/> holds, or fails after <paramref name="seconds"/>.</summary>
    public static Task TrueAsync(Func<bool> condition, string what, int seconds = 20) => TrueAsync(condition, () => what, seconds);

    /// <summary>Polls until <paramref name="condition"/> holds, or fails after <paramref name="seconds"/> with what <paramref name="describe"/> says then.</summary>
    public static async Task TrueAsync(Func<bool> condition, Func<string> describe, int seconds = 20)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for: {describe()}");
            }

            await Task.Delay(10);
        }
    }
}
