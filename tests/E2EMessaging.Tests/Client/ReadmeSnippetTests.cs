using E2EMessaging.Client;
using E2EMessaging.Content;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Relay;
using E2EMessaging.Relay.Loopback;
using E2EMessaging.Status;
using E2EMessaging.Wire;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace E2EMessaging.Tests.Client;

/// <summary>The README's snippet, line for line, against an in-process relay: it compiles and does what it says.</summary>
public sealed class ReadmeSnippetTests
{
    [Fact]
    public async Task The_readme_snippet_sends_and_sees_the_ticks()
    {
        var services = new ServiceCollection();
        services.AddE2EMessagingRelay();
        await using ServiceProvider provider = services.BuildServiceProvider();
        RelayServer relay = provider.GetRequiredService<RelayServer>();
        await using MessagingClient bob = new(new MessagingClientOptions { Account = "bob", DeviceId = 1 }, new LoopbackTransport(relay), ProtocolStores.InMemory(IdentityKeyPair.Generate(), 7));
        await bob.RegisterAccountAsync();

        var transport = new LoopbackTransport(relay);
        using IdentityKeyPair identity = IdentityKeyPair.Generate();
        uint registrationId = 42;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new List<DeliveryStatus>();

        // --- README snippet ---
        var client = new MessagingClient(                                                  // one per device
            new MessagingClientOptions { Account = "alice", DeviceId = 1 }, transport, ProtocolStores.InMemory(identity, registrationId));
        await client.RegisterAccountAsync();                                               // identity, prekeys, upload
        ClientMessageId hello = await client.SendAsync("bob", new DataMessage { Text = "Dinner at eight?" });
        await foreach (MessageStatusChange tick in client.WatchStatusAsync(timeout.Token)) // Sent → Delivered → Read
        {
            // --- end of snippet (the README prints the tick) ---
            Assert.Equal(hello, tick.MessageId);
            seen.Add(tick.Current);
            if (tick.Current == DeliveryStatus.Delivered)
            {
                break;
            }
        }

        Assert.Contains(DeliveryStatus.Delivered, seen);
        await client.DisposeAsync();
    }
}
