using System.Diagnostics.Metrics;
using E2EMessaging.Relay.Stores;
using E2EMessaging.Relay.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace E2EMessaging.Relay.Tests.Relay;

public sealed class HostingTests
{
    private sealed class CustomInbox : IInboxStore
    {
        private readonly InMemoryInboxStore _inner = new();

        public ValueTask<E2EMessaging.Wire.Envelope> AppendAsync(E2EMessaging.Protocol.ProtocolAddress device, E2EMessaging.Wire.Envelope envelope, DateTimeOffset serverTimestamp, CancellationToken cancellationToken = default) => _inner.AppendAsync(device, envelope, serverTimestamp, cancellationToken);

        public ValueTask<IReadOnlyList<E2EMessaging.Wire.Envelope>> ReadAsync(E2EMessaging.Protocol.ProtocolAddress device, ulong afterSequence, int maxCount, CancellationToken cancellationToken = default) => _inner.ReadAsync(device, afterSequence, maxCount, cancellationToken);

        public ValueTask<int> CountAsync(E2EMessaging.Protocol.ProtocolAddress device, CancellationToken cancellationToken = default) => _inner.CountAsync(device, cancellationToken);

        public ValueTask<int> DeleteAsync(E2EMessaging.Protocol.ProtocolAddress device, IReadOnlyCollection<ulong> serverSequences, CancellationToken cancellationToken = default) => _inner.DeleteAsync(device, serverSequences, cancellationToken);

        public ValueTask<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default) => _inner.DeleteOlderThanAsync(cutoff, cancellationToken);

        public ValueTask DeleteInboxAsync(E2EMessaging.Protocol.ProtocolAddress device, CancellationToken cancellationToken = default) => _inner.DeleteInboxAsync(device, cancellationToken);
    }

    [Fact]
    public void Registration_uses_try_add_so_the_hosts_parts_win_and_options_apply()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IInboxStore, CustomInbox>();
        services.AddE2EMessagingRelay(o => o.MaxInboxEnvelopes = 5).UseDedupeStore<InMemoryRelayDedupeStore>();
        using ServiceProvider provider = services.BuildServiceProvider();
        Assert.IsType<CustomInbox>(provider.GetRequiredService<IInboxStore>());
        Assert.IsType<InMemoryPrekeyDirectory>(provider.GetRequiredService<IPrekeyDirectory>());
        Assert.Equal(5, provider.GetRequiredService<IOptions<RelayOptions>>().Value.MaxInboxEnvelopes);
        Assert.NotNull(provider.GetRequiredService<RelayServer>());
    }

    [Fact]
    public void Invalid_options_are_refused_at_construction()
    {
        var services = new ServiceCollection();
        services.AddE2EMessagingRelay(o => o.MaxRecipientsPerSubmit = E2EMessaging.Wire.WireLimits.MaxRecipientsPerSubmit + 1);
        using ServiceProvider provider = services.BuildServiceProvider();
        Assert.Throws<ArgumentOutOfRangeException>(() => provider.GetRequiredService<RelayServer>());
    }

    [Fact]
    public async Task Metrics_are_published_with_kinds_only_never_addresses_or_content()
    {
        var measurements = new List<(string Instrument, long Value, string Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RelayTelemetry.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            lock (measurements)
            {
                measurements.Add((instrument.Name, value, string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}"))));
            }
        });
        listener.Start();

        await using var harness = new RelayHarness();
        TestDevice alice = await harness.RegisterAsync("alice-secret-name");
        TestDevice bob = await harness.RegisterAsync("bob-secret-name", connect: false);
        await alice.Transport.SubmitAsync(Submits.To([bob], Submits.Bytes("secret content")));

        lock (measurements)
        {
            Assert.Contains(measurements, m => m.Instrument == "e2emessaging.relay.submits" && m.Tags == "outcome=accepted");
            Assert.Contains(measurements, m => m.Instrument == "e2emessaging.relay.envelopes.stored" && m.Value == 1);
            Assert.Contains(measurements, m => m.Instrument == "e2emessaging.relay.wakeups");
            Assert.DoesNotContain(measurements, m => m.Tags.Contains("secret", StringComparison.Ordinal));
        }
    }
}
