using E2EMessaging.Client;
using E2EMessaging.Content;
using E2EMessaging.Groups;
using E2EMessaging.Protocol;
using E2EMessaging.Status;
using E2EMessaging.Storage;
using E2EMessaging.Tests.Infrastructure;
using E2EMessaging.Wire;
using Xunit;

namespace E2EMessaging.Tests.Client;

public sealed class GroupMessagingTests
{
    [Fact]
    public async Task A_group_message_is_encrypted_once_and_copied_into_every_member_device_inbox()
    {
        await using var harness = new ClientHarness();
        TestClient alice = await harness.RegisterAsync("alice");
        TestClient aliceLaptop = await harness.LinkAsync(alice);
        TestClient bob = await harness.RegisterAsync("bob");
        TestClient carol = await harness.RegisterAsync("carol");
        GroupInfo group = await alice.Client.CreateGroupAsync("friends", ["bob", "carol"]);
        await Eventually.TrueAsync(() => bob.Events.Any(e => e.Kind == ClientEventKind.GroupUpdated) && carol.Events.Any(e => e.Kind == ClientEventKind.GroupUpdated), "members learn the group");

        ClientMessageId id = await alice.Client.SendToGroupAsync(group.Id, new DataMessage { Text = "hi all" });

        Envelope[] copies = [.. harness.Inbox.Appended.Where(e => e.ClientMessageId == id)];
        Assert.Equal(3, copies.Length); // bob, carol, alice's laptop
        Assert.All(copies, e => Assert.Equal(EnvelopeType.SenderKey, e.Type));
        Assert.Single(copies.Select(e => Convert.ToBase64String(e.Ciphertext.Span)).Distinct()); // one ciphertext
        await Eventually.TrueAsync(() => bob.Received.Any(m => m.Id == id) && carol.Received.Any(m => m.Id == id) && aliceLaptop.Received.Any(m => m.Id == id), "every device receives");
        Assert.Equal(ConversationId.Group(group.Id), bob.Received.Single(m => m.Id == id).Conversation);
        Assert.Contains(alice.Events, e => e.Kind == ClientEventKind.SenderKeyDistributed);
        await Eventually.TrueAsync(() => alice.Statuses.Count(s => s.MessageId == id && s.Current == DeliveryStatus.Delivered) == 2, "delivered by bob and carol");
    }

    [Fact]
    public async Task The_sender_key_goes_out_once_and_later_messages_are_one_ciphertext_each()
    {
        await using var harness = new ClientHarness();
        TestClient alice = await harness.RegisterAsync("alice");
        TestClient bob = await harness.RegisterAsync("bob");
        TestClient carol = await harness.RegisterAsync("carol");
        GroupInfo group = await alice.Client.CreateGroupAsync("g", ["bob", "carol"]);
        await alice.Client.SendToGroupAsync(group.Id, new DataMessage { Text = "1" });
        int pairwiseBefore = harness.Inbox.Appended.Count(e => e.Sender.Equals(alice.Address) && e.Type != EnvelopeType.SenderKey);

        for (int i = 0; i < 5; i++)
        {
            await alice.Client.SendToGroupAsync(group.Id, new DataMessage { Text = $"m{i}" });
        }

        Assert.Equal(pairwiseBefore, harness.Inbox.Appended.Count(e => e.Sender.Equals(alice.Address) && e.Type != EnvelopeType.SenderKey));
        await Eventually.TrueAsync(() => bob.Received.Count == 6 && carol.Received.Count == 6, "all arrive");
    }

    [Fact]
    public async Task Removing_a_member_rotates_the_sender_key_and_the_removed_member_cannot_read_on()
    {
        await using var harness = new ClientHarness();
        TestClient alice = await harness.RegisterAsync("alice");
        TestClient bob = await harness.RegisterAsync("bob");
        TestClient carol = await harness.RegisterAsync("carol");
        GroupInfo group = await alice.Client.CreateGroupAsync("g", ["bob", "carol"]);
        await alice.Client.SendToGroupAsync(group.Id, new DataMessage { Text = "before" });
        await Eventually.TrueAsync(() => carol.Received.Count == 1, "carol reads before");
        Guid before = (await alice.Client.Stores.Groups.GetOwnSenderKeyAsync(group.Id))!.DistributionId;

        await alice.Client.RemoveMembersAsync(group.Id, ["carol"]);
        ClientMessageId after = await alice.Client.SendToGroupAsync(group.Id, new DataMessage { Text = "after" });

        Guid rotated = (await alice.Client.Stores.Groups.GetOwnSenderKeyAsync(group.Id))!.DistributionId;
        Assert.NotEqual(before, rotated);
        await Eventually.TrueAsync(() => alice.Events.Count(e => e.Kind == ClientEventKind.SenderKeyRotated) == 2, () => string.Join(" | ", alice.Events), 5);
        await Eventually.TrueAsync(() => bob.Received.Any(m => m.Id == after), "bob reads after");
        Assert.DoesNotContain(harness.Inbox.Appended, e => e.ClientMessageId == after && e.Recipient.Name == "carol");
        Assert.DoesNotContain(carol.Received, m => m.Id == after);
        // Bob applied the update and will rotate his own key before his next message.
        await Eventually.TrueAsync(() => bob.Client.Stores.Groups.GetGroupAsync(group.Id).AsTask().Result?.Revision == 2, "bob has the new revision");
    }

    [Fact]
    public async Task The_sender_key_rotates_by_message_count()
    {
        await using var harness = new ClientHarness(client: o => o.SenderKeyRotationMessages = 2);
        TestClient alice = await harness.RegisterAsync("alice");
        TestClient bob = await harness.RegisterAsync("bob");
        GroupInfo group = await alice.Client.CreateGroupAsync("g", ["bob"]);
        for (int i = 0; i < 5; i++)
        {
            await alice.Client.SendToGroupAsync(group.Id, new DataMessage { Text = $"m{i}" });
        }

        await Eventually.TrueAsync(() => alice.Events.Count(e => e.Kind == ClientEventKind.SenderKeyRotated) == 3, "keys for messages 1-2, 3-4, 5");
        await Eventually.TrueAsync(() => bob.Received.Count == 5, "bob reads all");
    }

    [Fact]
    public async Task The_sender_key_rotates_by_age()
    {
        await using var harness = new ClientHarness(client: o => o.SenderKeyRotationInterval = TimeSpan.FromDays(7));
        TestClient alice = await harness.RegisterAsync("alice");
        TestClient bob = await harness.RegisterAsync("bob");
        GroupInfo group = await alice.Client.CreateGroupAsync("g", ["bob"]);
        await alice.Client.SendToGroupAsync(group.Id, new DataMessage { Text = "week 1" });
        Guid first = (await alice.Client.Stores.Groups.GetOwnSenderKeyAsync(group.Id))!.DistributionId;

        // Age the key: the store's record says it was made eight days ago.
        var key = (await alice.Client.Stores.Groups.GetOwnSenderKeyAsync(group.Id))!;
        await alice.Client.Stores.Groups.SaveOwnSenderKeyAsync(new OwnSenderKey(group.Id, key.DistributionId, key.CreatedAt.AddDays(-8), key.MessagesSent));
        ClientMessageId later = await alice.Client.SendToGroupAsync(group.Id, new DataMessage { Text = "week 2" });

        Assert.NotEqual(first, (await alice.Client.Stores.Groups.GetOwnSenderKeyAsync(group.Id))!.DistributionId);
        await Eventually.TrueAsync(() => bob.Received.Any(m => m.Id == later), "bob reads with the new key");
    }

    [Fact]
    public async Task Groups_are_capped_at_the_size_limit()
    {
        await using var harness = new ClientHarness(client: o => o.MaxGroupSize = 3);
        TestClient alice = await harness.RegisterAsync("alice");
        MessagingException e = await Assert.ThrowsAsync<MessagingException>(async () => await alice.Client.CreateGroupAsync("g", ["a", "b", "c"]));
        Assert.Equal(MessagingErrorKind.GroupTooLarge, e.Kind);
    }

    [Fact]
    public async Task A_member_without_the_sender_key_asks_and_gets_it_again()
    {
        await using var harness = new ClientHarness();
        TestClient alice = await harness.RegisterAsync("alice");
        TestClient bob = await harness.RegisterAsync("bob");
        GroupInfo group = await alice.Client.CreateGroupAsync("g", ["bob"]);
        await alice.Client.SendToGroupAsync(group.Id, new DataMessage { Text = "1" });
        await Eventually.TrueAsync(() => bob.Received.Count == 1, () => "first: " + string.Join(" | ", bob.Log.Lines) + string.Join(" | ", bob.Events) + " || " + string.Join(" | ", alice.Events) + " || " + string.Join(" | ", harness.Inbox.Appended), 5);
        int corrupted = 0;
        harness.Inbox.Corrupt = e => e.Recipient.Equals(bob.Address) && e.Type == EnvelopeType.SenderKey && Interlocked.Increment(ref corrupted) == 1;

        ClientMessageId id = await alice.Client.SendToGroupAsync(group.Id, new DataMessage { Text = "2" });

        await Eventually.TrueAsync(() => bob.Received.Any(m => m.Id == id), "resent pairwise");
        Assert.Equal(ConversationId.Group(group.Id), bob.Received.Single(m => m.Id == id).Conversation);
        Assert.Single(bob.Received, m => m.Id == id);
    }

    [Fact]
    public async Task In_a_large_group_reads_are_watermarks_and_the_sender_counts_read_by_n_of_m_without_a_write_per_message()
    {
        // Threshold 2, so a 4-member group is "large" here (the default is 100).
        var counting = new CountingMessageStore();
        await using var harness = new ClientHarness(client: o =>
        {
            o.Receipts.LargeGroupThreshold = 2;
            o.Receipts.BatchWindow = TimeSpan.FromMilliseconds(50);
        });
        TestClient alice = await harness.RegisterAsync("alice");
        var members = new List<TestClient>();
        foreach (string name in new[] { "bob", "carol", "dave" })
        {
            members.Add(await harness.RegisterAsync(name));
        }

        GroupInfo group = await alice.Client.CreateGroupAsync("big", ["bob", "carol", "dave"]);
        await Eventually.TrueAsync(() => members.All(m => m.Events.Any(e => e.Kind == ClientEventKind.GroupUpdated)), "members know the group");
        var ids = new List<ClientMessageId>();
        for (int i = 0; i < 5; i++)
        {
            ids.Add(await alice.Client.SendToGroupAsync(group.Id, new DataMessage { Text = $"m{i}" }));
        }

        await Eventually.TrueAsync(() => members.All(m => m.Received.Count == 5), "all delivered");
        await Eventually.TrueAsync(() => alice.Statuses.Count(s => s.Current == DeliveryStatus.Delivered) == 15, "delivery receipts in");
        await Task.Delay(200);
        int receiptsBefore = harness.Inbox.Appended.Count(e => e.Recipient.Name == "alice" && e.Sender.Name != "alice");
        foreach (TestClient member in members.Take(2))
        {
            await member.Client.MarkReadAsync(ConversationId.Group(group.Id), ids[^1]);
        }

        await Eventually.TrueAsync(() => alice.Statuses.Any(s => s.MessageId == ids[^1] && s.ReadBy == 2 && s.Recipients == 3), "read by 2 of 3");
        // Each reader sent one batched watermark receipt for five messages, not one per message.
        int readReceipts = harness.Inbox.Appended.Count(e => e.Recipient.Name == "alice" && e.Sender.Name != "alice") - receiptsBefore;
        Assert.Equal(2, readReceipts);
        Assert.Equal(2, await alice.Client.Stores.Messages.CountReadersAsync(ConversationId.Group(group.Id), ids[0]));
        // No per-device read ticks were written: reads live in one watermark per reader.
        Assert.DoesNotContain(alice.Statuses, s => s.Device is not null && s.Current == DeliveryStatus.Read);
    }

    [Fact]
    public async Task A_read_costs_one_watermark_write_not_one_per_member_or_message()
    {
        var store = new CountingMessageStore();
        var tracker = new MessageStatusTracker(store);
        var processor = new E2EMessaging.Receipts.ReceiptProcessor(store, tracker, "alice", new E2EMessaging.Receipts.ReceiptOptions { LargeGroupThreshold = 100 });
        var ids = new ClientMessageIdGenerator(random: new TestRandom(9));
        ConversationId conversation = ConversationId.Group(Guid.NewGuid());
        var sent = new List<ClientMessageId>();
        for (int i = 0; i < 50; i++)
        {
            ClientMessageId id = ids.Next();
            sent.Add(id);
            await store.AddAsync(new StoredMessage(id, conversation, "alice", 1, MessageDirection.Outgoing, 0, new DataMessage()));
            await store.AddRecipientsAsync(id, Enumerable.Range(0, 500).Select(m => new ProtocolAddress($"m{m}", 1)));
        }

        store.Reset();
        await processor.ApplyAsync(new ProtocolAddress("m7", 1), new ReceiptBody(ReceiptType.Read, sent[^1], [], conversation.GroupId), groupSize: 501);

        Assert.Equal(1, store.WatermarkWrites);
        Assert.Equal(0, store.StatusWrites);
        Assert.Equal(1, await store.CountReadersAsync(conversation, sent[0]));
    }
}

/// <summary>An in-memory message store that counts writes.</summary>
internal sealed class CountingMessageStore : IMessageStore
{
    private readonly InMemoryMessageStore _inner = new();

    public int StatusWrites { get; private set; }

    public int WatermarkWrites { get; private set; }

    public void Reset() => (StatusWrites, WatermarkWrites) = (0, 0);

    public ValueTask<bool> AddAsync(StoredMessage message, CancellationToken cancellationToken = default) => _inner.AddAsync(message, cancellationToken);

    public ValueTask<bool> ReplaceAsync(StoredMessage message, CancellationToken cancellationToken = default) => _inner.ReplaceAsync(message, cancellationToken);

    public ValueTask<StoredMessage?> GetAsync(string author, ClientMessageId id, CancellationToken cancellationToken = default) => _inner.GetAsync(author, id, cancellationToken);

    public ValueTask<IReadOnlyList<StoredMessage>> GetConversationAsync(ConversationId conversation, int limit = int.MaxValue, CancellationToken cancellationToken = default) =>
        _inner.GetConversationAsync(conversation, limit, cancellationToken);

    public ValueTask AddRecipientsAsync(ClientMessageId id, IEnumerable<ProtocolAddress> devices, CancellationToken cancellationToken = default) =>
        _inner.AddRecipientsAsync(id, devices, cancellationToken);

    public ValueTask<DeliveryStatus?> AdvanceStatusAsync(ClientMessageId id, ProtocolAddress device, DeliveryStatus status, CancellationToken cancellationToken = default)
    {
        StatusWrites++;
        return _inner.AdvanceStatusAsync(id, device, status, cancellationToken);
    }

    public ValueTask<IReadOnlyDictionary<ProtocolAddress, DeliveryStatus>> GetStatusesAsync(ClientMessageId id, CancellationToken cancellationToken = default) =>
        _inner.GetStatusesAsync(id, cancellationToken);

    public ValueTask<ClientMessageId?> AdvanceReadWatermarkAsync(ConversationId conversation, string reader, ClientMessageId watermark, CancellationToken cancellationToken = default)
    {
        WatermarkWrites++;
        return _inner.AdvanceReadWatermarkAsync(conversation, reader, watermark, cancellationToken);
    }

    public ValueTask<int> CountReadersAsync(ConversationId conversation, ClientMessageId id, CancellationToken cancellationToken = default) =>
        _inner.CountReadersAsync(conversation, id, cancellationToken);
}
