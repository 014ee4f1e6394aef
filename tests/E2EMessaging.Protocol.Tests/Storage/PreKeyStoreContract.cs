using System.Text;
using E2EMessaging.Protocol.PreKeys;
using E2EMessaging.Protocol.Storage;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Storage;

/// <summary>
/// The rules of <see cref="IPreKeyStore"/>, as tests any implementation inherits: override <see cref="CreateStore"/>
/// to return a new, empty store. Hosts copy or reference this class to test their own store (it lives in the
/// test project for now).
/// </summary>
public abstract class PreKeyStoreContract
{
    /// <summary>A new, empty store.</summary>
    protected abstract IPreKeyStore CreateStore();

    [Fact]
    public async Task Saved_prekey_loads_with_the_same_bytes()
    {
        IPreKeyStore store = CreateStore();
        using PreKeyRecord record = PreKeyRecord.Generate(42);
        await store.SavePreKeyAsync(42, record);

        using PreKeyRecord loaded = await store.GetPreKeyAsync(42);
        Assert.Equal(42u, loaded.Id);
        Assert.Equal(record.PublicKey, loaded.PublicKey);
        Assert.Equal(record.Serialize(), loaded.Serialize());
    }

    [Fact]
    public async Task Unknown_id_throws_invalid_prekey_id()
    {
        IPreKeyStore store = CreateStore();
        using PreKeyRecord record = PreKeyRecord.Generate(1);
        await store.SavePreKeyAsync(1, record);

        ProtocolException error = await Assert.ThrowsAsync<ProtocolException>(async () => await store.GetPreKeyAsync(2));
        Assert.Equal(ProtocolErrorKind.InvalidPreKeyId, error.Kind);
    }

    [Fact]
    public async Task Save_replaces_the_record_under_an_id()
    {
        IPreKeyStore store = CreateStore();
        using PreKeyRecord first = PreKeyRecord.Generate(5);
        using PreKeyRecord second = PreKeyRecord.Generate(5);
        await store.SavePreKeyAsync(5, first);
        await store.SavePreKeyAsync(5, second);

        using PreKeyRecord loaded = await store.GetPreKeyAsync(5);
        Assert.Equal(second.Serialize(), loaded.Serialize());
    }

    [Fact]
    public async Task Removed_prekey_is_gone_and_remove_is_idempotent()
    {
        IPreKeyStore store = CreateStore();
        using PreKeyRecord record = PreKeyRecord.Generate(9);
        using PreKeyRecord other = PreKeyRecord.Generate(10);
        await store.SavePreKeyAsync(9, record);
        await store.SavePreKeyAsync(10, other);

        await store.RemovePreKeyAsync(9);
        ProtocolException error = await Assert.ThrowsAsync<ProtocolException>(async () => await store.GetPreKeyAsync(9));
        Assert.Equal(ProtocolErrorKind.InvalidPreKeyId, error.Kind);

        await store.RemovePreKeyAsync(9);
        await store.RemovePreKeyAsync(12345);
        using PreKeyRecord kept = await store.GetPreKeyAsync(10);
        Assert.Equal(other.Serialize(), kept.Serialize());
    }

    [Fact]
    public async Task Each_get_is_an_independent_record_the_caller_may_dispose()
    {
        IPreKeyStore store = CreateStore();
        byte[] expected;
        using (PreKeyRecord record = PreKeyRecord.Generate(3))
        {
            expected = record.Serialize();
            await store.SavePreKeyAsync(3, record);
        }

        PreKeyRecord first = await store.GetPreKeyAsync(3);
        first.Dispose();

        using PreKeyRecord second = await store.GetPreKeyAsync(3);
        Assert.NotSame(first, second);
        Assert.Equal(expected, second.Serialize());
        byte[] message = Encoding.UTF8.GetBytes("still usable");
        Assert.True(second.PublicKey.VerifySignature(message, second.KeyPair.PrivateKey.CalculateSignature(message)));
    }

    [Fact]
    public async Task Canceled_token_is_honoured_and_changes_nothing()
    {
        IPreKeyStore store = CreateStore();
        using PreKeyRecord record = PreKeyRecord.Generate(1);
        using PreKeyRecord other = PreKeyRecord.Generate(2);
        await store.SavePreKeyAsync(1, record);
        CancellationToken canceled = StoreTestData.Canceled;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.GetPreKeyAsync(1, canceled));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.SavePreKeyAsync(2, other, canceled));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.RemovePreKeyAsync(1, canceled));

        using PreKeyRecord kept = await store.GetPreKeyAsync(1);
        Assert.Equal(record.Serialize(), kept.Serialize());
        await Assert.ThrowsAsync<ProtocolException>(async () => await store.GetPreKeyAsync(2));
    }

    [Fact]
    public async Task Different_ids_save_get_and_remove_concurrently()
    {
        IPreKeyStore store = CreateStore();
        await Task.WhenAll(Enumerable.Range(1, 64).Select(i => Task.Run(async () =>
        {
            uint id = (uint)i;
            using PreKeyRecord record = PreKeyRecord.Generate(id);
            await store.SavePreKeyAsync(id, record);
            using (PreKeyRecord loaded = await store.GetPreKeyAsync(id))
            {
                Assert.Equal(record.Serialize(), loaded.Serialize());
            }

            if (i % 2 == 0)
            {
                await store.RemovePreKeyAsync(id);
            }
        })));

        for (uint id = 1; id <= 64; id++)
        {
            if (id % 2 == 0)
            {
                await Assert.ThrowsAsync<ProtocolException>(async () => await store.GetPreKeyAsync(id));
            }
            else
            {
                using PreKeyRecord loaded = await store.GetPreKeyAsync(id);
                Assert.Equal(id, loaded.Id);
            }
        }
    }
}
