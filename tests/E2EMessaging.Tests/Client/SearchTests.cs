using E2EMessaging.Content;
using E2EMessaging.Tests.Infrastructure;
using E2EMessaging.Wire;
using Xunit;

namespace E2EMessaging.Tests.Client;

/// <summary>On-device search through the client: what the device stored is searchable there, and only there.</summary>
public sealed class SearchTests
{
    [Fact]
    public async Task Sent_received_synced_and_edited_messages_are_searchable_on_each_device()
    {
        await using var harness = new ClientHarness();
        TestClient phone = await harness.RegisterAsync("alice");
        TestClient laptop = await harness.LinkAsync(phone);
        TestClient bob = await harness.RegisterAsync("bob");

        ClientMessageId id = await phone.Client.SendAsync("bob", new DataMessage { Text = "The quarterly report is ready" });
        await Eventually.TrueAsync(() => bob.Received.Any(m => m.Id == id) && laptop.Received.Any(m => m.Id == id), "delivered");

        foreach (TestClient device in new[] { phone, laptop, bob })
        {
            var hit = Assert.Single(device.Client.Search.Search("quarter"));
            Assert.Equal(id, hit.Id);
            Assert.Equal("alice", hit.Author);
        }

        // The relay holds only ciphertext: nothing there to search, and the query never left the devices.
        ClientMessageId edit = await phone.Client.SendAsync("bob", new DataMessage { Text = "The annual report is ready", EditOf = id });
        await Eventually.TrueAsync(() => bob.Received.Any(m => m.Id == edit), "edit delivered");
        Assert.Empty(bob.Client.Search.Search("quarterly"));
        Assert.Equal(id, Assert.Single(bob.Client.Search.Search("annual")).Id);
    }
}
