using E2EMessaging.Protocol.Groups;
using E2EMessaging.Protocol.Storage;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Storage;

/// <summary>
/// The rules of <see cref="ISenderKeyStore"/>, as tests any implementation inherits: override <see cref="CreateStore"/>
/// to return a new, empty store. Hosts copy or reference this class to test their own store (it lives in the
/// test project for now).
/// </summary>
public abstract class SenderKeyStoreContract
{
    /// <summary>A new, empty store.</summary>
    protected abstract ISenderKeyStore CreateStore();

    [Fact]
    public async Task Unknown_pair_loads_null()
    {
        ISenderKeyStore store = CreateStore();
        Assert.Null(await store.LoadSenderKeyAsync(StoreTestData.Address(0), Guid.NewGuid()));
    }

    [Fact]
    public async Task Records_are_kept_per_sender_and_distribution()
    {
        ISenderKeyStore store = CreateStore();
        Guid first = Guid.NewGuid();
        Guid second = Guid.NewGuid();
        SenderKeyRecord a = await RealRecordAsync(first);
        SenderKeyRecord b = await RealRecordAsync(second);
        await store.StoreSenderKeyAsync(StoreTestData.Address(0), first, a);
        await store.StoreSenderKeyAsync(StoreTestData.Address(0), second, b);

        Assert.Equal(a.Serialize(), (await store.LoadSenderKeyAsync(StoreTestData.Address(0), first))!.Serialize());
        Assert.Equal(b.Serialize(), (await store.LoadSenderKeyAsync(StoreTestData.Address(0), second))!.Serialize());
        Assert.Null(await store.LoadSenderKeyAsync(StoreTestData.Address(1), first));
    }

    [Fact]
    public async Task Store_replaces_and_loads_are_independent_copies()
    {
        ISenderKeyStore store = CreateStore();
        Guid group = Guid.NewGuid();
        SenderKeyRecord first = await RealRecordAsync(group);
        SenderKeyRecord second = await RealRecordAsync(group);
        await store.StoreSenderKeyAsync(StoreTestData.Address(0), group, first);
        await store.StoreSenderKeyAsync(StoreTestData.Address(0), group, second);
        SenderKeyRecord loaded = (await store.LoadSenderKeyAsync(StoreTestData.Address(0), group))!;
        Assert.Equal(second.Serialize(), loaded.Serialize());

        loaded.States.Clear();
        Assert.Equal(second.Serialize(), (await store.LoadSenderKeyAsync(StoreTestData.Address(0), group))!.Serialize());
    }

    [Fact]
    public async Task Cancellation_is_honoured()
    {
        ISenderKeyStore store = CreateStore();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.LoadSenderKeyAsync(StoreTestData.Address(0), Guid.NewGuid(), cancelled.Token));
    }

    /// <summary>A record as the group cipher writes it.</summary>
    private static async Task<SenderKeyRecord> RealRecordAsync(Guid group)
    {
        var scratch = new InMemorySenderKeyStore();
        var cipher = new GroupCipher(scratch);
        await cipher.CreateDistributionMessageAsync(StoreTestData.Address(0), group);
        return (await scratch.LoadSenderKeyAsync(StoreTestData.Address(0), group))!;
    }
}

public sealed class InMemorySenderKeyStoreTests : SenderKeyStoreContract
{
    protected override ISenderKeyStore CreateStore() => new InMemorySenderKeyStore();
}
