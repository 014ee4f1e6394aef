using E2EMessaging.Content;
using E2EMessaging.Receipts;
using E2EMessaging.Wire;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace E2EMessaging.Tests.Receipts;

public sealed class ReceiptBatcherTests
{
    private readonly ClientMessageIdGenerator _ids = new(random: new TestRandom(21));
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
    private readonly List<ReceiptBatch> _sent = [];

    private ReceiptBatcher Create(TimeSpan window, int max) => new(new ReceiptOptions { BatchWindow = window, MaxBatchSize = max }, _time, (batch, _) =>
    {
        lock (_sent)
        {
            _sent.Add(batch);
        }

        return ValueTask.CompletedTask;
    });

    [Fact]
    public async Task Reads_within_the_window_coalesce_into_one_watermark()
    {
        await using ReceiptBatcher batcher = Create(TimeSpan.FromSeconds(2), 100);
        ClientMessageId[] ids = [.. Enumerable.Range(0, 10).Select(_ => _ids.Next())];
        foreach (ClientMessageId id in ids.Reverse())
        {
            await batcher.ReadAsync("bob", null, id, withIds: false);
        }

        _time.Advance(TimeSpan.FromSeconds(1.9));
        Assert.Empty(_sent);
        _time.Advance(TimeSpan.FromSeconds(0.2));
        ReceiptBatch batch = Assert.Single(_sent);
        Assert.Equal(ReceiptType.Read, batch.Type);
        Assert.Equal(ids[^1], batch.Watermark);
        Assert.Empty(batch.Ids);
    }

    [Fact]
    public async Task A_full_batch_goes_out_without_waiting()
    {
        await using ReceiptBatcher batcher = Create(TimeSpan.FromMinutes(1), 5);
        for (int i = 0; i < 5; i++)
        {
            await batcher.DeliveredAsync("bob", null, _ids.Next());
        }

        ReceiptBatch batch = Assert.Single(_sent);
        Assert.Equal(ReceiptType.Delivered, batch.Type);
        Assert.Equal(5, batch.Ids.Count);
    }

    [Fact]
    public async Task Batches_are_per_recipient_and_conversation_and_carry_ids_when_asked()
    {
        await using ReceiptBatcher batcher = Create(TimeSpan.FromSeconds(1), 100);
        Guid group = Guid.NewGuid();
        ClientMessageId a = _ids.Next();
        ClientMessageId b = _ids.Next();
        await batcher.ReadAsync("bob", null, a, withIds: true);
        await batcher.ReadAsync("bob", group, b, withIds: true);
        await batcher.ReadAsync("carol", group, b, withIds: true);
        await batcher.DeliveredAsync("bob", null, b);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(4, _sent.Count);
        Assert.Contains(_sent, s => s.To == "bob" && s.GroupId is null && s.Type == ReceiptType.Read && s.Ids.SequenceEqual([a]));
        Assert.Contains(_sent, s => s.To == "bob" && s.GroupId == group && s.Watermark == b);
        Assert.Contains(_sent, s => s.To == "carol" && s.GroupId == group);
        Assert.Contains(_sent, s => s.To == "bob" && s.Type == ReceiptType.Delivered);
    }

    [Fact]
    public async Task A_failed_send_is_kept_for_the_next_flush()
    {
        bool fail = true;
        var sent = new List<ReceiptBatch>();
        await using var batcher = new ReceiptBatcher(new ReceiptOptions { BatchWindow = TimeSpan.FromSeconds(1) }, _time, (batch, _) =>
        {
            if (fail)
            {
                throw new MessagingException(MessagingErrorKind.Disconnected, "down");
            }

            sent.Add(batch);
            return ValueTask.CompletedTask;
        });
        ClientMessageId id = _ids.Next();
        await batcher.DeliveredAsync("bob", null, id);
        await Assert.ThrowsAsync<MessagingException>(async () => await batcher.FlushAsync());
        fail = false;
        await batcher.FlushAsync();
        Assert.Equal([id], Assert.Single(sent).Ids);
    }
}
