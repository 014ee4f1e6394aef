using System.Text;
using E2EMessaging.Attachments;
using E2EMessaging.Client;
using E2EMessaging.Content;
using E2EMessaging.Protocol;
using E2EMessaging.Status;
using E2EMessaging.Tests.Infrastructure;
using E2EMessaging.Wire;
using Xunit;

namespace E2EMessaging.Tests.Client;

public sealed class DirectMessagingTests
{
    [Fact]
    public async Task A_message_is_delivered_and_ticks_sent_delivered_read()
    {
        await using var harness = new ClientHarness();
        TestClient alice = await harness.RegisterAsync("alice");
        TestClient bob = await harness.RegisterAsync("bob");

        ClientMessageId id = await alice.Client.SendAsync("bob", new DataMessage { Text = "hello bob" });

        await Eventually.TrueAsync(() => bob.Received.Any(m => m.Id == id), "bob receives");
        ReceivedMessage received = bob.Received.Single(m => m.Id == id);
        Assert.Equal("hello bob", received.Message.Text);
        Assert.Equal(alice.Address, received.Sender);
        Assert.Equal(ConversationId.Direct("alice"), received.Conversation);

        await Eventually.TrueAsync(() => alice.Statuses.Any(s => s.MessageId == id && s.Current == DeliveryStatus.Delivered), "delivered tick");
        await bob.Client.MarkReadAsync(ConversationId.Direct("alice"), id);
        await Eventually.TrueAsync(() => alice.Statuses.Any(s => s.MessageId == id && s.Current == DeliveryStatus.Read), "read tick");

        DeliveryStatus[] history = [.. alice.Statuses.Where(s => s.MessageId == id && bob.Address.Equals(s.Device)).Select(s => s.Current)];
        Assert.Equal([DeliveryStatus.Sent, DeliveryStatus.Delivered, DeliveryStatus.Read], history);
        Assert.Equal(DeliveryStatus.Read, (await alice.Client.GetStatusesAsync(id))[bob.Address]);
    }

    [Fact]
    public async Task The_senders_other_device_receives_a_sent_transcript()
    {
        await using var harness = new ClientHarness();
        TestClient phone = await harness.RegisterAsync("alice");
        TestClient laptop = await harness.LinkAsync(phone);
        TestClient bob = await harness.RegisterAsync("bob");

        ClientMessageId id = await phone.Client.SendAsync("bob", new DataMessage { Text = "from my phone" });

        await Eventually.TrueAsync(() => laptop.Received.Any(m => m.Id == id), "laptop receives the transcript");
        ReceivedMessage transcript = laptop.Received.Single(m => m.Id == id);
        Assert.True(transcript.IsSentTranscript);
        Assert.Equal(ConversationId.Direct("bob"), transcript.Conversation);
        Assert.Equal("from my phone", transcript.Message.Text);
        await Eventually.TrueAsync(() => bob.Received.Any(m => m.Id == id), "bob receives");
        Assert.False(bob.Received.Single(m => m.Id == id).IsSentTranscript);
        // The laptop's store has it as outgoing, in the conversation with bob.
        Assert.NotNull(await laptop.Client.Stores.Messages.GetAsync("alice", id));
    }

    [Fact]
    public async Task An_offline_device_gets_a_wake_up_and_drains_its_inbox_in_order_when_it_connects()
    {
        await using var harness = new ClientHarness();
        TestClient alice = await harness.RegisterAsync("alice");
        TestClient bob = await harness.RegisterAsync("bob", online: false);

        var ids = new List<ClientMessageId>();
        for (int i = 0; i < 3; i++)
        {
            ids.Add(await alice.Client.SendAsync("bob", new DataMessage { Text = $"m{i}" }));
        }

        Assert.Contains(bob.Address, harness.Push.WakeUps);
        Assert.Empty(bob.Received);
        await Eventually.TrueAsync(() => ids.All(id => alice.Statuses.Any(s => s.MessageId == id && s.Current == DeliveryStatus.Sent)), "sent ticks");
        Assert.DoesNotContain(alice.Statuses, s => s.Current == DeliveryStatus.Delivered);

        await bob.GoOnlineAsync();
        await bob.Client.WhenInboxDrainedAsync().WaitAsync(TimeSpan.FromSeconds(20));
        await Eventually.TrueAsync(() => bob.Received.Count == 3, "bob drains");
        Assert.Equal(ids, bob.Received.Select(m => m.Id));
        await Eventually.TrueAsync(() => ids.All(id => alice.Statuses.Any(s => s.MessageId == id && s.Current == DeliveryStatus.Delivered)), "delivered ticks after drain");
    }

    [Fact]
    public async Task A_device_mismatch_is_fixed_and_resubmitted_with_the_same_id()
    {
        await using var harness = new ClientHarness();
        TestClient alice = await harness.RegisterAsync("alice");
        TestClient bob = await harness.RegisterAsync("bob");
        await alice.Client.SendAsync("bob", new DataMessage { Text = "first" }); // alice now caches bob = [1]
        TestClient bobLaptop = await harness.LinkAsync(bob);

        ClientMessageId id = await alice.Client.SendAsync("bob", new DataMessage { Text = "second" });

        await Eventually.TrueAsync(() => alice.Events.Any(e => e.Kind == ClientEventKind.DeviceMismatchFixed), "mismatch fixed");
        await Eventually.TrueAsync(() => bobLaptop.Received.Any(m => m.Id == id) && bob.Received.Any(m => m.Id == id), "both of bob's devices receive");
        Assert.Single(harness.Inbox.Appended, e => e.ClientMessageId == id && e.Recipient.Equals(bobLaptop.Address));
    }

    [Fact]
    public async Task A_dropped_connection_is_retried_with_the_same_id_and_delivered_once()
    {
        await using var harness = new ClientHarness();
        TestClient alice = await harness.RegisterAsync("alice");
        TestClient bob = await harness.RegisterAsync("bob");
        await alice.Client.SendAsync("bob", new DataMessage { Text = "warm up" });
        alice.Transport.Disconnect(); // the network drops; the client does not know yet

        ClientMessageId id = await alice.Client.SendAsync("bob", new DataMessage { Text = "through the outage" });

        await Eventually.TrueAsync(() => bob.Received.Any(m => m.Id == id), "bob receives");
        await Task.Delay(100);
        Assert.Single(bob.Received, m => m.Id == id);
        Assert.Equal(0, ((E2EMessaging.Storage.InMemoryOutbox)alice.Client.Stores.Outbox).Count);
    }

    [Fact]
    public async Task A_message_sent_offline_waits_in_the_outbox_and_goes_out_with_its_id_on_connect()
    {
        await using var harness = new ClientHarness();
        TestClient alice = await harness.RegisterAsync("alice");
        TestClient bob = await harness.RegisterAsync("bob");
        await alice.GoOfflineAsync();

        ClientMessageId id = await alice.Client.SendAsync("bob", new DataMessage { Text = "written on the plane" });

        Assert.NotNull(await alice.Client.Stores.Outbox.GetAsync(id));
        Assert.NotNull(await alice.Client.Stores.Messages.GetAsync("alice", id));
        Assert.DoesNotContain(harness.Inbox.Appended, e => e.ClientMessageId == id);

        await alice.GoOnlineAsync();
        await Eventually.TrueAsync(() => bob.Received.Any(m => m.Id == id), "delivered after landing");
        Assert.Null(await alice.Client.Stores.Outbox.GetAsync(id));
        Assert.All(harness.Inbox.Appended.Where(e => e.Sender.Equals(alice.Address) && e.Recipient.Equals(bob.Address)), e => Assert.Equal(id, e.ClientMessageId));
    }

    [Fact]
    public async Task Edits_and_deletes_change_the_authors_message_everywhere_and_nobody_elses()
    {
        await using var harness = new ClientHarness();
        TestClient alice = await harness.RegisterAsync("alice");
        TestClient laptop = await harness.LinkAsync(alice);
        TestClient bob = await harness.RegisterAsync("bob");
        ClientMessageId original = await alice.Client.SendAsync("bob", new DataMessage { Text = "See you at 7" });
        ClientMessageId bobs = await bob.Client.SendAsync("alice", new DataMessage { Text = "ok" });
        await Eventually.TrueAsync(() => bob.Received.Any(m => m.Id == original) && alice.Received.Any(m => m.Id == bobs), "both arrive");

        await alice.Client.SendAsync("bob", new DataMessage { Text = "See you at 8", EditOf = original });
        await alice.Client.SendAsync("bob", new DataMessage { DeleteOf = bobs }); // not hers: no effect anywhere

        await Eventually.TrueAsync(() => bob.Client.Stores.Messages.GetAsync("alice", original).AsTask().Result?.Message.Text == "See you at 8", "bob sees the edit");
        await Eventually.TrueAsync(() => laptop.Client.Stores.Messages.GetAsync("alice", original).AsTask().Result?.Message.Text == "See you at 8", "the laptop sees the edit");
        Assert.Equal("See you at 8", (await alice.Client.Stores.Messages.GetAsync("alice", original))!.Message.Text);
        await Task.Delay(100);
        Assert.Equal("ok", (await bob.Client.Stores.Messages.GetAsync("bob", bobs))!.Message.Text);

        await alice.Client.SendAsync("bob", new DataMessage { DeleteOf = original });
        await Eventually.TrueAsync(() => bob.Client.Stores.Messages.GetAsync("alice", original).AsTask().Result?.Message.Text is null, "deleted for everyone");
    }

    [Fact]
    public async Task Duplicated_and_reordered_pushes_are_processed_once()
    {
        var random = new Random(5);
        await using var harness = new ClientHarness(faults: () => new Relay.Loopback.LoopbackFaults(random) { DuplicatePush = 0.5, ReorderPush = 0.3, DuplicateRequest = 0.3 });
        TestClient alice = await harness.RegisterAsync("alice");
        TestClient bob = await harness.RegisterAsync("bob");
        var ids = new List<ClientMessageId>();
        for (int i = 0; i < 10; i++)
        {
            ids.Add(await alice.Client.SendAsync("bob", new DataMessage { Text = $"m{i}" }));
        }

        await Eventually.TrueAsync(() => ids.All(id => bob.Received.Any(m => m.Id == id)), "all arrive");
        await Task.Delay(200);
        Assert.Equal(10, bob.Received.Count);
    }

    [Fact]
    public async Task An_undecryptable_message_is_retried_and_the_sender_rebuilds_the_session()
    {
        await using var harness = new ClientHarness();
        TestClient alice = await harness.RegisterAsync("alice");
        TestClient bob = await harness.RegisterAsync("bob");
        ClientMessageId first = await alice.Client.SendAsync("bob", new DataMessage { Text = "establish" });
        // Once bob's delivery receipt is in, alice's session is answered and she sends Whisper messages, whose last
        // 8 bytes are the MAC that the corruption below hits.
        await Eventually.TrueAsync(() => alice.Statuses.Any(s => s.MessageId == first && s.Current == DeliveryStatus.Delivered), "first delivered");
        int corrupted = 0;
        harness.Inbox.Corrupt = e => e.Recipient.Equals(bob.Address) && e.Type == EnvelopeType.Whisper && Interlocked.Increment(ref corrupted) == 1;

        ClientMessageId id = await alice.Client.SendAsync("bob", new DataMessage { Text = "mangled in transit" });

        await Eventually.TrueAsync(() => bob.Received.Any(m => m.Id == id), "the resent message arrives");
        Assert.Equal("mangled in transit", bob.Received.Single(m => m.Id == id).Message.Text);
        await Eventually.TrueAsync(() => bob.Events.Any(e => e.Kind == ClientEventKind.RetryRequested), "retry requested");
        await Eventually.TrueAsync(() => alice.Events.Any(e => e.Kind == ClientEventKind.MessageResent), "resent");
        Assert.True(Volatile.Read(ref corrupted) >= 1);
        // The resend started a new session: a PreKey envelope after the corrupted one.
        Assert.Contains(harness.Inbox.Appended, e => e.Recipient.Equals(bob.Address) && e.Type == EnvelopeType.PreKey && e.ClientMessageId != id);
    }

    [Fact]
    public async Task Attachments_travel_encrypted_and_verify_on_download()
    {
        await using var harness = new ClientHarness();
        TestClient alice = await harness.RegisterAsync("alice");
        TestClient bob = await harness.RegisterAsync("bob");
        var blobs = new InMemoryBlobStore();
        byte[] photo = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("a photo of a cat ", 500)));
        AttachmentPointer pointer = await new AttachmentTransfer(blobs).UploadAsync(photo, "image/jpeg", "cat.jpg");

        ClientMessageId id = await alice.Client.SendAsync("bob", new DataMessage { Text = "look", Attachments = [pointer] });

        await Eventually.TrueAsync(() => bob.Received.Any(m => m.Id == id), "bob receives");
        AttachmentPointer received = Assert.Single(bob.Received.Single(m => m.Id == id).Message.Attachments);
        Assert.Equal(photo, await new AttachmentTransfer(blobs).DownloadAsync(received));
        Assert.DoesNotContain(harness.Inbox.StoredBytes().Concat(harness.Inbox.Appended.Select(e => e.Serialize())), b => b.AsSpan().IndexOf("a photo of a cat"u8) >= 0);
    }

    [Fact]
    public async Task Prekeys_are_replenished_when_the_relay_runs_low()
    {
        await using var harness = new ClientHarness(relay: o => o.PreKeyLowThreshold = 8);
        TestClient bob = await harness.RegisterAsync("bob");
        int uploadsBefore = bob.Events.Count(e => e.Kind == ClientEventKind.PreKeysUploaded);
        for (int i = 0; i < 4; i++)
        {
            TestClient sender = await harness.RegisterAsync($"sender{i}");
            await sender.Client.SendAsync("bob", new DataMessage { Text = "hi" });
        }

        await Eventually.TrueAsync(() => bob.Events.Count(e => e.Kind == ClientEventKind.PreKeysUploaded) > uploadsBefore, "replenished");
    }
}
