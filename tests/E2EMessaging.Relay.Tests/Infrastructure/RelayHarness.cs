using System.Collections.Concurrent;
using System.Threading.Channels;
using E2EMessaging.Protocol;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.PreKeys;
using E2EMessaging.Protocol.Sessions;
using E2EMessaging.Protocol.Storage;
using E2EMessaging.Relay.Loopback;
using E2EMessaging.Relay.Stores;
using E2EMessaging.Transport;
using E2EMessaging.Wire;
using Microsoft.Extensions.DependencyInjection;

namespace E2EMessaging.Relay.Tests.Infrastructure;

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualClock : TimeProvider
{
    private long _ticks = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

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

/// <summary>A relay built through the DI registration, with a manual clock and a recording push notifier.</summary>
internal sealed class RelayHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly List<TestDevice> _devices = [];

    public RelayHarness(Action<RelayOptions>? configure = null, Func<LoopbackFaults?>? faults = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Clock);
        services.AddE2EMessagingRelay(o =>
        {
            o.PreKeyLowThreshold = 2;
            configure?.Invoke(o);
        }).Services.AddSingleton<IPushNotifier>(Push);
        _services = services.BuildServiceProvider();
        Relay = _services.GetRequiredService<RelayServer>();
        Faults = faults;
    }

    public ManualClock Clock { get; } = new();

    public RecordingPushNotifier Push { get; } = new();

    public RelayServer Relay { get; }

    public Func<LoopbackFaults?>? Faults { get; }

    public InMemoryInboxStore Inbox => (InMemoryInboxStore)_services.GetRequiredService<IInboxStore>();

    public IServiceProvider Services => _services;

    /// <summary>Every byte any relay store holds: inboxes, dedupe window, prekey directory.</summary>
    public IEnumerable<byte[]> AllStoredBytes() =>
        Inbox.DumpStoredBytes()
            .Concat(((InMemoryRelayDedupeStore)_services.GetRequiredService<IRelayDedupeStore>()).DumpStoredBytes())
            .Concat(((InMemoryPrekeyDirectory)_services.GetRequiredService<IPrekeyDirectory>()).DumpStoredBytes());

    public LoopbackTransport NewTransport() => new(Relay, Faults?.Invoke());

    /// <summary>A new account with device 1, prekeys published, connected and authenticated.</summary>
    public async Task<TestDevice> RegisterAsync(string account, bool connect = true, int preKeys = 5)
    {
        var device = new TestDevice(this);
        await device.Transport.ConnectAsync();
        ProtocolAddress address = await device.Transport.RegisterAccountAsync(account, device.RegistrationId, device.Identity);
        device.Bind(address);
        await device.UploadPreKeysAsync(preKeys);
        if (connect)
        {
            device.StartReceiving();
        }
        else
        {
            device.Disconnect(); // before anything is read, so no stale queue-empty marker is left behind
        }

        _devices.Add(device);
        return device;
    }

    /// <summary>A new device linked by <paramref name="existing"/>, prekeys published, connected.</summary>
    public async Task<TestDevice> LinkAsync(TestDevice existing, bool connect = true, int preKeys = 5)
    {
        var device = new TestDevice(this);
        bool offline = existing.Transport.Connection is null;
        if (offline)
        {
            await existing.ConnectAsync(receive: false);
        }

        ProtocolAddress address = await existing.Transport.LinkDeviceAsync(device.RegistrationId, device.Identity.PublicKey);
        if (offline)
        {
            existing.Disconnect();
        }

        device.Bind(address);
        await device.ConnectAsync(receive: connect);
        await device.UploadPreKeysAsync(preKeys);
        if (!connect)
        {
            device.Disconnect();
        }

        _devices.Add(device);
        return device;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (TestDevice device in _devices)
        {
            await device.DisposeAsync();
        }

        Relay.Dispose();
        await _services.DisposeAsync();
    }
}

/// <summary>One client device: a real identity and protocol store, a loopback transport, and a queue of what the relay pushed.</summary>
internal sealed class TestDevice : IAsyncDisposable
{
    private static int _nextRegistrationId = 100;
    private readonly RelayHarness _harness;
    private uint _nextPreKeyId = 1;
    private Task _receiving = Task.CompletedTask;

    public TestDevice(RelayHarness harness)
    {
        _harness = harness;
        Identity = IdentityKeyPair.Generate();
        RegistrationId = (uint)Interlocked.Increment(ref _nextRegistrationId);
        Store = new InMemoryProtocolStore(Identity, RegistrationId);
        Transport = harness.NewTransport();
    }

    public IdentityKeyPair Identity { get; }

    public uint RegistrationId { get; }

    public InMemoryProtocolStore Store { get; }

    public LoopbackTransport Transport { get; }

    public ProtocolAddress Address { get; private set; } = null!;

    public SessionCipher Cipher { get; private set; } = null!;

    public Channel<IncomingFrame> Frames { get; } = Channel.CreateUnbounded<IncomingFrame>();

    public void Bind(ProtocolAddress address)
    {
        Address = address;
        Cipher = new SessionCipher(address, Store, Store, Store, Store, Store, _harness.Clock);
    }

    public async Task ConnectAsync(bool receive = true)
    {
        await Transport.ConnectAsync();
        await Transport.AuthenticateAsync(Address, Identity);
        if (receive)
        {
            StartReceiving();
        }
    }

    public void StartReceiving()
    {
        Task previous = _receiving;
        _receiving = Task.Run(async () =>
        {
            await previous;
            try
            {
                await foreach (IncomingFrame frame in Transport.ReceiveAsync())
                {
                    await Frames.Writer.WriteAsync(frame);
                }
            }
            catch (MessagingException)
            {
            }
        });
    }

    public void Disconnect() => Transport.Disconnect();

    public async Task UploadPreKeysAsync(int count, bool includeSigned = true)
    {
        var oneTime = new List<PreKeyRecord>();
        var kyber = new List<KyberPreKeyRecord>();
        for (int i = 0; i < count; i++)
        {
            uint id = _nextPreKeyId++;
            PreKeyRecord ec = PreKeyRecord.Generate(id);
            KyberPreKeyRecord k = KyberPreKeyRecord.Generate(id, 1_700_000_000_000, Identity);
            await Store.SavePreKeyAsync(id, ec);
            await Store.SaveKyberPreKeyAsync(id, k, false);
            oneTime.Add(ec);
            kyber.Add(k);
        }

        SignedPreKeyRecord? signed = null;
        KyberPreKeyRecord? lastResort = null;
        if (includeSigned)
        {
            signed = SignedPreKeyRecord.Generate(1, 1_700_000_000_000, Identity);
            lastResort = KyberPreKeyRecord.Generate(10_000, 1_700_000_000_000, Identity);
            await Store.SaveSignedPreKeyAsync(1, signed);
            await Store.SaveKyberPreKeyAsync(10_000, lastResort, true);
        }

        await Transport.UploadPreKeysAsync(PreKeyUpload.From(signed, lastResort, oneTime, kyber));
    }

    /// <summary>The next pushed envelope, skipping notices.</summary>
    public async Task<Envelope> NextEnvelopeAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            IncomingFrame frame = await Frames.Reader.ReadAsync(cts.Token);
            if (frame.Kind == IncomingFrameKind.Envelope)
            {
                return frame.Envelope!;
            }
        }
    }

    /// <summary>The next frame of any kind.</summary>
    public async Task<IncomingFrame> NextFrameAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        return await Frames.Reader.ReadAsync(cts.Token);
    }

    /// <summary>Envelopes up to the queue-empty marker.</summary>
    public async Task<List<Envelope>> DrainAsync()
    {
        var envelopes = new List<Envelope>();
        while (true)
        {
            IncomingFrame frame = await NextFrameAsync();
            switch (frame.Kind)
            {
                case IncomingFrameKind.Envelope:
                    envelopes.Add(frame.Envelope!);
                    break;
                case IncomingFrameKind.QueueEmpty:
                    return envelopes;
            }
        }
    }

    /// <summary>True when nothing arrives within a short wait.</summary>
    public async Task<bool> NothingArrivesAsync(int milliseconds = 150)
    {
        await Task.Delay(milliseconds);
        while (Frames.Reader.TryPeek(out IncomingFrame? frame))
        {
            if (frame.Kind == IncomingFrameKind.Envelope)
            {
                return false;
            }

            Frames.Reader.TryRead(out _);
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await Transport.DisposeAsync();
        try
        {
            await _receiving.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
        }

        Store.Dispose();
    }

    public override string ToString() => Address?.ToString() ?? "unbound";
}

/// <summary>Builders for submits.</summary>
internal static class Submits
{
    private static readonly ManualClock IdClock = new();

    public static ClientMessageId NewId() => ClientMessageId.New(TimeProvider.System, SystemRandomSource.Instance);

    public static SubmitRequest To(IEnumerable<TestDevice> recipients, byte[] ciphertext, ClientMessageId? id = null, EnvelopeType type = EnvelopeType.Whisper, byte[]? groupId = null) =>
        new(id ?? NewId(), IdClock.GetUtcNow(), recipients.Select(r => new OutgoingEnvelope(r.Address, r.RegistrationId, type, ciphertext)), groupId);

    public static byte[] Bytes(string text) => System.Text.Encoding.UTF8.GetBytes(text);
}
