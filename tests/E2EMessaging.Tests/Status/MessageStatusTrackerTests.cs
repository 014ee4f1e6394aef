using E2EMessaging.Protocol;
using E2EMessaging.Status;
using E2EMessaging.Storage;
using FsCheck.Xunit;
using Xunit;
using E2EMessaging.Wire;

namespace E2EMessaging.Tests.Status;

public sealed class MessageStatusTrackerTests
{
    private static readonly ConversationId Chat = ConversationId.Direct("bob");
    private readonly ClientMessageIdGenerator _ids = new(random: new TestRandom(4));

    [Fact]
    public async Task Statuses_only_move_forward_and_every_move_is_published()
    {
        var store = new InMemoryMessageStore();
        var tracker = new MessageStatusTracker(store);
        ClientMessageId id = _ids.Next();
        ProtocolAddress phone = new("bob", 1);
        ProtocolAddress laptop = new("bob", 2);
        await store.AddRecipientsAsync(id, [phone, laptop]);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        IAsyncEnumerator<MessageStatusChange> stream = tracker.WatchAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        ValueTask<bool> first = stream.MoveNextAsync();

        Assert.NotNull(await tracker.AdvanceAsync(id, Chat, phone, DeliveryStatus.Sent));
        Assert.True(await first);
        Assert.Equal(DeliveryStatus.Pending, stream.Current.Previous);
        Assert.Equal(DeliveryStatus.Sent, stream.Current.Current);
        Assert.Equal(DeliveryStatus.Pending, stream.Current.Aggregate);

        Assert.NotNull(await tracker.AdvanceAsync(id, Chat, phone, DeliveryStatus.Read));
        Assert.Null(await tracker.AdvanceAsync(id, Chat, phone, DeliveryStatus.Delivered)); // late delivery receipt
        Assert.Null(await tracker.AdvanceAsync(id, Chat, phone, DeliveryStatus.Read)); // repeat
        MessageStatusChange? last = await tracker.AdvanceAsync(id, Chat, laptop, DeliveryStatus.Read);
        Assert.Equal(DeliveryStatus.Read, last!.Aggregate);

        Assert.True(await stream.MoveNextAsync());
        Assert.Equal(DeliveryStatus.Read, stream.Current.Current);
        Assert.True(await stream.MoveNextAsync());
        Assert.Equal(laptop, stream.Current.Device);
        await cts.CancelAsync();
        await stream.DisposeAsync();
    }

    [Property(MaxTest = 100)]
    public bool Any_sequence_of_events_yields_a_monotone_history(byte[] events)
    {
        var store = new InMemoryMessageStore();
        var tracker = new MessageStatusTracker(store);
        ClientMessageId id = _ids.Next();
        ProtocolAddress[] devices = [new("bob", 1), new("bob", 2), new("carol", 1)];
        store.AddRecipientsAsync(id, devices).AsTask().GetAwaiter().GetResult();
        var seen = new Dictionary<ProtocolAddress, DeliveryStatus>();
        foreach (byte e in events)
        {
            ProtocolAddress device = devices[e % 3];
            var status = (DeliveryStatus)((e / 3) % 4);
            MessageStatusChange? change = tracker.AdvanceAsync(id, Chat, device, status).AsTask().GetAwaiter().GetResult();
            DeliveryStatus before = seen.GetValueOrDefault(device);
            if (change is null ? status > before : change.Current <= change.Previous || change.Previous != before)
            {
                return false;
            }

            seen[device] = change?.Current ?? before;
        }

        return true;
    }
}
