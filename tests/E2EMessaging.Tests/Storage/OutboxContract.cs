using E2EMessaging.Storage;
using Xunit;
using E2EMessaging.Wire;

namespace E2EMessaging.Tests.Storage;

/// <summary>The rules of <see cref="IOutbox"/>; override <see cref="CreateOutbox"/> with a new, empty outbox.</summary>
public abstract class OutboxContract
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
    private readonly ClientMessageIdGenerator _ids = new(random: new TestRandom(12));

    protected abstract IOutbox CreateOutbox();

    [Fact]
    public async Task Add_is_idempotent_on_the_id()
    {
        IOutbox outbox = CreateOutbox();
        ClientMessageId id = _ids.Next();
        Assert.True(await outbox.AddAsync(Entry(id, T0, 1)));
        Assert.False(await outbox.AddAsync(Entry(id, T0, 2)));
        OutboxEntry stored = (await outbox.GetAsync(id))!;
        Assert.Equal([1], stored.Content.ToArray());
    }

    [Fact]
    public async Task Due_entries_come_oldest_first_and_respect_max_and_time()
    {
        IOutbox outbox = CreateOutbox();
        ClientMessageId a = _ids.Next();
        ClientMessageId b = _ids.Next();
        ClientMessageId c = _ids.Next();
        await outbox.AddAsync(Entry(c, T0, 3));
        await outbox.AddAsync(Entry(a, T0, 1));
        await outbox.AddAsync(Entry(b, T0.AddMinutes(5), 2));
        Assert.Equal([a, c], (await outbox.GetDueAsync(T0, 10)).Select(e => e.Id));
        Assert.Equal([a], (await outbox.GetDueAsync(T0, 1)).Select(e => e.Id));
        Assert.Equal([a, b, c], (await outbox.GetDueAsync(T0.AddMinutes(5), 10)).Select(e => e.Id));
    }

    [Fact]
    public async Task Reschedule_and_remove()
    {
        IOutbox outbox = CreateOutbox();
        ClientMessageId id = _ids.Next();
        await outbox.AddAsync(Entry(id, T0, 1));
        await outbox.RescheduleAsync(id, 3, T0.AddSeconds(8));
        OutboxEntry entry = (await outbox.GetAsync(id))!;
        Assert.Equal(3, entry.Attempts);
        Assert.Equal(T0.AddSeconds(8), entry.NextAttempt);
        Assert.Empty(await outbox.GetDueAsync(T0, 10));
        await outbox.RemoveAsync(id);
        Assert.Null(await outbox.GetAsync(id));
        await outbox.RemoveAsync(id);
        await outbox.RescheduleAsync(id, 1, T0);
        Assert.Null(await outbox.GetAsync(id));
    }

    private static OutboxEntry Entry(ClientMessageId id, DateTimeOffset due, byte marker) =>
        new(id, ConversationId.Direct("bob"), new byte[] { marker }, 0, due);
}

public sealed class InMemoryOutboxTests : OutboxContract
{
    protected override IOutbox CreateOutbox() => new InMemoryOutbox();
}
