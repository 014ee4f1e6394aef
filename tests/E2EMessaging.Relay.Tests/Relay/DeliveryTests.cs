using E2EMessaging.Relay.Tests.Infrastructure;
using E2EMessaging.Transport;
using E2EMessaging.Wire;
using Xunit;

namespace E2EMessaging.Relay.Tests.Relay;

public sealed class DeliveryTests
{
    [Fact]
    public async Task A_connected_device_gets_the_envelope_pushed_at_once_and_no_wake_up()
    {
        await using var harness = new RelayHarness();
        TestDevice alice = await harness.RegisterAsync("alice");
        TestDevice bob = await harness.RegisterAsync("bob");
        Assert.Empty(await bob.DrainAsync());

        SubmitResult result = await alice.Transport.SubmitAsync(Submits.To([bob], Submits.Bytes("live")));
        Envelope envelope = await bob.NextEnvelopeAsync();

        Assert.Equal(result.Receipts[0].ServerSequence, envelope.ServerSequence);
        Assert.Equal(Submits.Bytes("live"), envelope.Ciphertext.ToArray());
        Assert.Equal(alice.Address, envelope.Sender);
        Assert.DoesNotContain(bob.Address, harness.Push.WakeUps);
    }

    [Fact]
    public async Task An_offline_device_gets_a_contentless_wake_up_and_drains_in_order_on_reconnect()
    {
        await using var harness = new RelayHarness();
        TestDevice alice = await harness.RegisterAsync("alice");
        TestDevice bob = await harness.RegisterAsync("bob", connect: false);
        for (int i = 0; i < 5; i++)
        {
            await alice.Transport.SubmitAsync(Submits.To([bob], Submits.Bytes($"m{i}")));
        }

        Assert.Equal(5, harness.Push.WakeUps.Count(a => a.Equals(bob.Address)));
        await bob.ConnectAsync();
        List<Envelope> drained = await bob.DrainAsync();
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"m{i}"), drained.Select(e => System.Text.Encoding.UTF8.GetString(e.Ciphertext.Span)));
        Assert.Equal([1ul, 2, 3, 4, 5], drained.Select(e => e.ServerSequence!.Value));
    }

    [Fact]
    public async Task Envelopes_are_deleted_only_on_ack_and_unacked_ones_are_redelivered_after_reconnect()
    {
        await using var harness = new RelayHarness();
        TestDevice alice = await harness.RegisterAsync("alice");
        TestDevice bob = await harness.RegisterAsync("bob");
        await bob.DrainAsync();
        for (int i = 0; i < 3; i++)
        {
            await alice.Transport.SubmitAsync(Submits.To([bob], Submits.Bytes($"m{i}")));
        }

        var got = new List<Envelope> { await bob.NextEnvelopeAsync(), await bob.NextEnvelopeAsync(), await bob.NextEnvelopeAsync() };
        Assert.Equal(3, await harness.Inbox.CountAsync(bob.Address)); // pushed is not delivered
        await bob.Transport.AcknowledgeAsync([got[0].ServerSequence!.Value]);
        Assert.Equal(2, await harness.Inbox.CountAsync(bob.Address));

        bob.Disconnect();
        await bob.ConnectAsync();
        List<Envelope> again = await bob.DrainAsync();
        Assert.Equal([2ul, 3ul], again.Select(e => e.ServerSequence!.Value));

        await bob.Transport.AcknowledgeAsync([2, 3, 3, 99]); // idempotent, unknown ignored
        Assert.Equal(0, await harness.Inbox.CountAsync(bob.Address));
    }

    [Fact]
    public async Task A_device_can_only_ack_its_own_inbox()
    {
        await using var harness = new RelayHarness();
        TestDevice alice = await harness.RegisterAsync("alice");
        TestDevice bob = await harness.RegisterAsync("bob", connect: false);
        TestDevice mallory = await harness.RegisterAsync("mallory");
        SubmitResult result = await alice.Transport.SubmitAsync(Submits.To([bob], Submits.Bytes("for bob")));
        await mallory.Transport.AcknowledgeAsync([result.Receipts[0].ServerSequence]);
        Assert.Equal(1, await harness.Inbox.CountAsync(bob.Address));
        Assert.True(await mallory.NothingArrivesAsync());
    }

    [Fact]
    public async Task A_second_connection_for_a_device_replaces_the_first()
    {
        await using var harness = new RelayHarness();
        TestDevice bob = await harness.RegisterAsync("bob");
        RelayConnection first = bob.Transport.Connection!;
        await bob.ConnectAsync();
        Assert.True(first.IsClosed);
        Assert.False(bob.Transport.Connection!.IsClosed);
    }

    [Fact]
    public async Task Envelopes_older_than_the_retention_are_dropped()
    {
        await using var harness = new RelayHarness(o => o.InboxRetention = TimeSpan.FromDays(30));
        TestDevice alice = await harness.RegisterAsync("alice");
        TestDevice bob = await harness.RegisterAsync("bob", connect: false);
        await alice.Transport.SubmitAsync(Submits.To([bob], Submits.Bytes("old")));
        harness.Clock.Advance(TimeSpan.FromDays(29));
        await alice.Transport.SubmitAsync(Submits.To([bob], Submits.Bytes("new")));
        harness.Clock.Advance(TimeSpan.FromDays(2));

        // Retention holds at read time even before a sweep runs.
        await bob.ConnectAsync();
        Envelope only = Assert.Single(await bob.DrainAsync());
        Assert.Equal(Submits.Bytes("new"), only.Ciphertext.ToArray());
        Assert.Equal(1, await harness.Inbox.CountAsync(bob.Address));

        harness.Clock.Advance(TimeSpan.FromDays(30));
        Assert.Equal(1, await harness.Relay.SweepAsync());
        Assert.Equal(0, await harness.Inbox.CountAsync(bob.Address));
    }

    [Fact]
    public async Task A_drop_after_a_submit_is_applied_is_safe_to_retry_with_the_same_id()
    {
        await using var harness = new RelayHarness(faults: () => null);
        TestDevice alice = await harness.RegisterAsync("alice");
        TestDevice bob = await harness.RegisterAsync("bob", connect: false);
        SubmitRequest request = Submits.To([bob], Submits.Bytes("retry me"));
        await alice.Transport.SubmitAsync(request);
        alice.Disconnect();
        MessagingException e = await Assert.ThrowsAsync<MessagingException>(async () => await alice.Transport.SubmitAsync(request));
        Assert.Equal(MessagingErrorKind.Disconnected, e.Kind);
        await alice.ConnectAsync();
        SubmitResult retried = await alice.Transport.SubmitAsync(request);
        Assert.Equal(1ul, retried.Receipts.Single().ServerSequence);
        Assert.Equal(1, await harness.Inbox.CountAsync(bob.Address));
    }
}
