using E2EMessaging.Attachments;
using E2EMessaging.Client;
using E2EMessaging.Content;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Relay;
using E2EMessaging.Relay.Loopback;
using E2EMessaging.Storage;
using E2EMessaging.Tests.Infrastructure;
using E2EMessaging.Transport;
using E2EMessaging.Wire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace E2EMessaging.Tests.Hosting;

public sealed class ServiceCollectionTests
{
    [Fact]
    public async Task AddE2EMessaging_builds_a_working_client_and_host_registrations_win()
    {
        var relayServices = new ServiceCollection();
        relayServices.AddE2EMessagingRelay();
        await using ServiceProvider relayProvider = relayServices.BuildServiceProvider();
        RelayServer relay = relayProvider.GetRequiredService<RelayServer>();

        var hostOutbox = new InMemoryOutbox();
        var services = new ServiceCollection();
        services.AddSingleton<IOutbox>(hostOutbox); // the host's own registration, before AddE2EMessaging
        services.AddE2EMessaging(o => o.Account = "alice")
            .AddTransport(_ => new LoopbackTransport(relay))
            .AddProtocolStores(_ => ProtocolStores.InMemory(IdentityKeyPair.Generate(), 4242))
            .AddStore<SharedStore>();
        await using ServiceProvider provider = services.BuildServiceProvider();

        MessagingClient client = provider.GetRequiredService<MessagingClient>();
        Assert.Same(client, provider.GetRequiredService<MessagingClient>());
        Assert.Same(hostOutbox, client.Stores.Outbox);
        Assert.IsType<SharedStore>(provider.GetRequiredService<IDedupeWindow>());
        Assert.Same(provider.GetRequiredService<IDedupeWindow>(), provider.GetRequiredService<IDeviceListStore>());
        Assert.NotNull(provider.GetRequiredService<AttachmentTransfer>());

        await client.RegisterAccountAsync();
        await using var bobTransport = new LoopbackTransport(relay);
        await using var bob = new MessagingClient(new MessagingClientOptions { Account = "bob" }, bobTransport, ProtocolStores.InMemory(IdentityKeyPair.Generate(), 4343));
        await bob.RegisterAccountAsync();
        ClientMessageId id = await client.SendAsync("bob", new DataMessage { Text = "via DI" });
        await Eventually.TrueAsync(() => bob.Stores.Messages.GetAsync("alice", id).AsTask().Result is not null, "bob stores it");
    }

    [Fact]
    public void AddStore_refuses_a_type_that_is_no_store()
    {
        var services = new ServiceCollection();
        Assert.Throws<ArgumentException>(() => services.AddE2EMessaging().AddStore<object>());
    }

    [Fact]
    public async Task The_signed_prekey_rotates_on_schedule()
    {
        var relayServices = new ServiceCollection();
        relayServices.AddE2EMessagingRelay();
        await using ServiceProvider relayProvider = relayServices.BuildServiceProvider();
        RelayServer relay = relayProvider.GetRequiredService<RelayServer>();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var transport = new LoopbackTransport(relay);
        await using var client = new MessagingClient(
            new MessagingClientOptions { Account = "alice", SignedPreKeyRotationInterval = TimeSpan.FromDays(7), PreKeyBatchSize = 5 },
            transport,
            ProtocolStores.InMemory(IdentityKeyPair.Generate(), 77),
            timeProvider: time);
        var events = new List<ClientEvent>();
        using var cts = new CancellationTokenSource();
        Task watch = Task.Run(async () =>
        {
            await foreach (ClientEvent e in client.WatchEventsAsync(cts.Token))
            {
                lock (events)
                {
                    events.Add(e);
                }
            }
        });
        await Task.Delay(50);
        await client.RegisterAccountAsync();

        time.Advance(TimeSpan.FromDays(7));
        await Eventually.TrueAsync(() => { lock (events) { return events.Any(e => e.Kind == ClientEventKind.SignedPreKeyRotated); } }, "rotated");
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watch);
    }

    /// <summary>One store type serving two interfaces.</summary>
    private sealed class SharedStore : IDedupeWindow, IDeviceListStore
    {
        private readonly InMemoryDedupeWindow _dedupe = new();
        private readonly InMemoryDeviceListStore _devices = new();

        public ValueTask<bool> TryAddAsync(string sender, ClientMessageId id, DateTimeOffset now, CancellationToken cancellationToken = default) => _dedupe.TryAddAsync(sender, id, now, cancellationToken);

        public ValueTask<bool> ContainsAsync(string sender, ClientMessageId id, CancellationToken cancellationToken = default) => _dedupe.ContainsAsync(sender, id, cancellationToken);

        public ValueTask<int> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default) => _dedupe.PruneAsync(olderThan, cancellationToken);

        public ValueTask<Devices.DeviceList?> GetAsync(string account, CancellationToken cancellationToken = default) => _devices.GetAsync(account, cancellationToken);

        public ValueTask SaveAsync(Devices.DeviceList devices, CancellationToken cancellationToken = default) => _devices.SaveAsync(devices, cancellationToken);

        public ValueTask RemoveAsync(string account, CancellationToken cancellationToken = default) => _devices.RemoveAsync(account, cancellationToken);
    }
}
