using E2EMessaging.Protocol.Sessions;
using E2EMessaging.Protocol.Storage;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Storage;

/// <summary>
/// The rules of <see cref="ISessionStore"/>, as tests any implementation inherits: override <see cref="CreateStore"/>
/// to return a new, empty store. Hosts copy or reference this class to test their own store (it lives in the
/// test project for now).
/// </summary>
public abstract class SessionStoreContract
{
    /// <summary>A new, empty store.</summary>
    protected abstract ISessionStore CreateStore();

    [Fact]
    public async Task Unknown_address_loads_null()
    {
        ISessionStore store = CreateStore();
        Assert.Null(await store.LoadSessionAsync(StoreTestData.Address(0)));
    }

    [Fact]
    public async Task Stored_record_loads_with_the_same_bytes()
    {
        ISessionStore store = CreateStore();
        SessionRecord record = StoreTestData.Session(7);
        await store.StoreSessionAsync(StoreTestData.Address(0), record);

        SessionRecord? loaded = await store.LoadSessionAsync(StoreTestData.Address(0));
        Assert.NotNull(loaded);
        Assert.True(loaded.HasCurrentState);
        Assert.Equal(record.Serialize(), loaded.Serialize());
        Assert.Null(await store.LoadSessionAsync(StoreTestData.Address(1)));
    }

    [Fact]
    public async Task Store_replaces_the_previous_record()
    {
        ISessionStore store = CreateStore();
        await store.StoreSessionAsync(StoreTestData.Address(0), StoreTestData.Session(7));
        SessionRecord second = StoreTestData.Session(8);
        await store.StoreSessionAsync(StoreTestData.Address(0), second);

        SessionRecord? loaded = await store.LoadSessionAsync(StoreTestData.Address(0));
        Assert.Equal(second.Serialize(), loaded!.Serialize());
    }

    [Fact]
    public async Task Each_load_is_a_fresh_object_that_callers_may_change()
    {
        ISessionStore store = CreateStore();
        SessionRecord record = StoreTestData.Session(7);
        byte[] stored = record.Serialize();
        await store.StoreSessionAsync(StoreTestData.Address(0), record);

        SessionRecord? first = await store.LoadSessionAsync(StoreTestData.Address(0));
        SessionRecord? second = await store.LoadSessionAsync(StoreTestData.Address(0));
        Assert.NotSame(first, second);

        first!.ArchiveCurrentState();
        Assert.False(first.HasCurrentState);
        Assert.True(second!.HasCurrentState);

        SessionRecord? third = await store.LoadSessionAsync(StoreTestData.Address(0));
        Assert.True(third!.HasCurrentState);
        Assert.Equal(stored, third.Serialize());
    }

    [Fact]
    public async Task Changing_a_record_after_storing_it_does_not_change_the_store()
    {
        ISessionStore store = CreateStore();
        SessionRecord record = StoreTestData.Session(7);
        byte[] stored = record.Serialize();
        await store.StoreSessionAsync(StoreTestData.Address(0), record);

        record.ArchiveCurrentState();

        SessionRecord? loaded = await store.LoadSessionAsync(StoreTestData.Address(0));
        Assert.Equal(stored, loaded!.Serialize());
    }

    [Fact]
    public async Task Canceled_token_is_honoured_and_stores_nothing()
    {
        ISessionStore store = CreateStore();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.StoreSessionAsync(StoreTestData.Address(0), StoreTestData.Session(7), StoreTestData.Canceled));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.LoadSessionAsync(StoreTestData.Address(0), StoreTestData.Canceled));
        Assert.Null(await store.LoadSessionAsync(StoreTestData.Address(0)));
    }

    [Fact]
    public async Task Different_addresses_store_and_load_concurrently()
    {
        ISessionStore store = CreateStore();
        const int addresses = 64;
        const int rounds = 20;
        await Task.WhenAll(Enumerable.Range(0, addresses).Select(i => Task.Run(async () =>
        {
            ProtocolAddress address = StoreTestData.Address(i);
            for (int round = 0; round < rounds; round++)
            {
                SessionRecord record = StoreTestData.Session((uint)((i * rounds) + round));
                byte[] expected = record.Serialize();
                await store.StoreSessionAsync(address, record);
                SessionRecord? loaded = await store.LoadSessionAsync(address);
                Assert.Equal(expected, loaded!.Serialize());
            }
        })));

        for (int i = 0; i < addresses; i++)
        {
            Assert.NotNull(await store.LoadSessionAsync(StoreTestData.Address(i)));
        }
    }
}
