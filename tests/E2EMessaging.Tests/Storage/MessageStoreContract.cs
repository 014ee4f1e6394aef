using E2EMessaging.Content;
using E2EMessaging.Protocol;
using E2EMessaging.Status;
using E2EMessaging.Storage;
using Xunit;
using E2EMessaging.Wire;

namespace E2EMessaging.Tests.Storage;

/// <summary>The rules of <see cref="IMessageStore"/>; override <see cref="CreateStore"/> with a new, empty store.</summary>
public abstract class MessageStoreContract
{
    private static readonly ConversationId Chat = ConversationId.Direct("bob");
    private readonly ClientMessageIdGenerator _ids = new(random: new TestRandom(11));

    protected abstract IMessageStore CreateStore();

    [Fact]
    public async Task Add_is_idempotent_on_author_and_id()
    {
        IMessageStore store = CreateStore();
        ClientMessageId id = _ids.Next();
        Assert.True(await store.AddAsync(Message(id, "alice")));
        Assert.False(await store.AddAsync(Message(id, "alice", "other text")));
        Assert.True(await store.AddAsync(Message(id, "mallory"))); // same id, other author: a different message
        Assert.Equal("text", (await store.GetAsync("alice", id))!.Message.Text);
        Assert.Null(await store.GetAsync("carol", id));
    }

    [Fact]
    public async Task Replace_changes_only_the_content_of_an_existing_message()
    {
        IMessageStore store = CreateStore();
        ClientMessageId id = _ids.Next();
        Assert.False(await store.ReplaceAsync(Message(id, "alice", "edited")));
        await store.AddAsync(Message(id, "alice"));
        Assert.True(await store.ReplaceAsync(new StoredMessage(id, ConversationId.Direct("other"), "alice", 9, MessageDirection.Incoming, 1, new DataMessage { Text = "edited" })));
        StoredMessage stored = (await store.GetAsync("alice", id))!;
        Assert.Equal("edited", stored.Message.Text);
        Assert.Equal(Chat, stored.Conversation);
        Assert.Equal(MessageDirection.Outgoing, stored.Direction);
        Assert.Single(await store.GetConversationAsync(Chat));
    }

    [Fact]
    public async Task Conversations_list_in_id_order_and_honour_the_limit()
    {
        IMessageStore store = CreateStore();
        ClientMessageId[] ids = [.. Enumerable.Range(0, 5).Select(_ => _ids.Next())];
        foreach (ClientMessageId id in ids.Reverse())
        {
            await store.AddAsync(Message(id, "alice"));
        }

        await store.AddAsync(new StoredMessage(_ids.Next(), ConversationId.Direct("carol"), "alice", 1, MessageDirection.Outgoing, 0, new DataMessage()));
        Assert.Equal(ids, (await store.GetConversationAsync(Chat)).Select(m => m.Id));
        Assert.Equal(ids[3..], (await store.GetConversationAsync(Chat, 2)).Select(m => m.Id));
        Assert.Empty(await store.GetConversationAsync(ConversationId.Direct("nobody")));
    }

    [Fact]
    public async Task Statuses_only_move_forward()
    {
        IMessageStore store = CreateStore();
        ClientMessageId id = _ids.Next();
        ProtocolAddress device = new("bob", 1);
        Assert.Null(await store.AdvanceStatusAsync(id, device, DeliveryStatus.Sent)); // untracked
        await store.AddRecipientsAsync(id, [device]);
        Assert.Equal(DeliveryStatus.Pending, (await store.GetStatusesAsync(id))[device]);
        Assert.Equal(DeliveryStatus.Pending, await store.AdvanceStatusAsync(id, device, DeliveryStatus.Delivered));
        Assert.Null(await store.AdvanceStatusAsync(id, device, DeliveryStatus.Sent));
        Assert.Null(await store.AdvanceStatusAsync(id, device, DeliveryStatus.Delivered));
        Assert.Equal(DeliveryStatus.Delivered, await store.AdvanceStatusAsync(id, device, DeliveryStatus.Read));
        await store.AddRecipientsAsync(id, [device, new ProtocolAddress("bob", 2)]); // re-adding keeps the status
        IReadOnlyDictionary<ProtocolAddress, DeliveryStatus> all = await store.GetStatusesAsync(id);
        Assert.Equal(DeliveryStatus.Read, all[device]);
        Assert.Equal(DeliveryStatus.Pending, all[new ProtocolAddress("bob", 2)]);
        Assert.Empty(await store.GetStatusesAsync(_ids.Next()));
    }

    [Fact]
    public async Task Concurrent_advances_move_each_status_once()
    {
        IMessageStore store = CreateStore();
        ClientMessageId id = _ids.Next();
        ProtocolAddress device = new("bob", 1);
        await store.AddRecipientsAsync(id, [device]);
        DeliveryStatus?[] results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => store.AdvanceStatusAsync(id, device, DeliveryStatus.Delivered).AsTask()));
        Assert.Single(results, r => r is not null);
    }

    [Fact]
    public async Task Read_watermarks_move_forward_and_count_readers()
    {
        IMessageStore store = CreateStore();
        ConversationId group = ConversationId.Group(Guid.NewGuid());
        ClientMessageId first = _ids.Next();
        ClientMessageId second = _ids.Next();
        ClientMessageId third = _ids.Next();
        Assert.Equal(default(ClientMessageId), await store.AdvanceReadWatermarkAsync(group, "bob", second));
        Assert.Null(await store.AdvanceReadWatermarkAsync(group, "bob", first));
        Assert.Null(await store.AdvanceReadWatermarkAsync(group, "bob", second));
        Assert.Equal(default(ClientMessageId), await store.AdvanceReadWatermarkAsync(group, "carol", third));
        Assert.Equal(2, await store.CountReadersAsync(group, first));
        Assert.Equal(2, await store.CountReadersAsync(group, second));
        Assert.Equal(1, await store.CountReadersAsync(group, third));
        Assert.Equal(0, await store.CountReadersAsync(ConversationId.Group(Guid.NewGuid()), first));
        Assert.Equal(second, await store.AdvanceReadWatermarkAsync(group, "bob", third));
    }

    private static StoredMessage Message(ClientMessageId id, string author, string text = "text") =>
        new(id, Chat, author, 1, author == "alice" ? MessageDirection.Outgoing : MessageDirection.Incoming, id.Timestamp.ToUnixTimeMilliseconds(), new DataMessage { Text = text });
}

public sealed class InMemoryMessageStoreTests : MessageStoreContract
{
    protected override IMessageStore CreateStore() => new InMemoryMessageStore();
}
