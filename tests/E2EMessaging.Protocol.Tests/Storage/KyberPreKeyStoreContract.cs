using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.PreKeys;
using E2EMessaging.Protocol.Storage;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Storage;

/// <summary>
/// The rules of <see cref="IKyberPreKeyStore"/>, as tests any implementation inherits: override <see cref="CreateStore"/>
/// to return a new, empty store. Hosts copy or reference this class to test their own store (it lives in the
/// test project for now).
/// </summary>
public abstract class KyberPreKeyStoreContract
{
    private static readonly IdentityKeyPair Identity = IdentityKeyPair.Generate();

    /// <summary>A new, empty store.</summary>
    protected abstract IKyberPreKeyStore CreateStore();

    /// <summary>A fresh initiator base key.</summary>
    protected static PublicKey NewBaseKey()
    {
        using var privateKey = PrivateKey.Generate();
        return privateKey.GetPublicKey();
    }

    /// <summary>A store holding one Kyber prekey under <paramref name="id"/>.</summary>
    protected async Task<IKyberPreKeyStore> StoreWithAsync(uint id, bool isLastResort)
    {
        IKyberPreKeyStore store = CreateStore();
        using KyberPreKeyRecord record = KyberPreKeyRecord.Generate(id, 0, Identity);
        await store.SaveKyberPreKeyAsync(id, record, isLastResort);
        return store;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Saved_kyber_prekey_loads_with_the_same_bytes(bool isLastResort)
    {
        IKyberPreKeyStore store = CreateStore();
        using KyberPreKeyRecord record = KyberPreKeyRecord.Generate(21, 1_700_000_000_000, Identity);
        await store.SaveKyberPreKeyAsync(21, record, isLastResort);

        using KyberPreKeyRecord loaded = await store.GetKyberPreKeyAsync(21);
        Assert.Equal(21u, loaded.Id);
        Assert.Equal(1_700_000_000_000ul, loaded.Timestamp);
        Assert.Equal(record.Serialize(), loaded.Serialize());
    }

    [Fact]
    public async Task Unknown_id_throws_invalid_kyber_prekey_id()
    {
        IKyberPreKeyStore store = await StoreWithAsync(1, isLastResort: false);
        ProtocolException error = await Assert.ThrowsAsync<ProtocolException>(async () => await store.GetKyberPreKeyAsync(2));
        Assert.Equal(ProtocolErrorKind.InvalidKyberPreKeyId, error.Kind);
    }

    [Fact]
    public async Task Each_get_is_an_independent_record_the_caller_may_dispose()
    {
        IKyberPreKeyStore store = await StoreWithAsync(3, isLastResort: true);

        KyberPreKeyRecord first = await store.GetKyberPreKeyAsync(3);
        byte[] expected = first.Serialize();
        first.Dispose();

        using KyberPreKeyRecord second = await store.GetKyberPreKeyAsync(3);
        Assert.NotSame(first, second);
        Assert.Equal(expected, second.Serialize());
        byte[] ciphertext = new byte[1569];
        byte[] sent = new byte[32];
        byte[] received = new byte[32];
        second.PublicKey.Encapsulate(SystemRandomSource.Instance, ciphertext, sent);
        second.KeyPair.SecretKey.Decapsulate(ciphertext, received);
        Assert.Equal(sent, received);
    }

    [Fact]
    public async Task Marking_a_one_time_key_used_removes_it()
    {
        IKyberPreKeyStore store = await StoreWithAsync(4, isLastResort: false);
        using KyberPreKeyRecord other = KyberPreKeyRecord.Generate(5, 0, Identity);
        await store.SaveKyberPreKeyAsync(5, other);

        await store.MarkKyberPreKeyUsedAsync(4, 1, NewBaseKey());

        ProtocolException error = await Assert.ThrowsAsync<ProtocolException>(async () => await store.GetKyberPreKeyAsync(4));
        Assert.Equal(ProtocolErrorKind.InvalidKyberPreKeyId, error.Kind);
        using KyberPreKeyRecord kept = await store.GetKyberPreKeyAsync(5);
        Assert.Equal(other.Serialize(), kept.Serialize());
    }

    [Fact]
    public async Task Last_resort_key_stays_after_use()
    {
        IKyberPreKeyStore store = await StoreWithAsync(6, isLastResort: true);
        using KyberPreKeyRecord before = await store.GetKyberPreKeyAsync(6);

        await store.MarkKyberPreKeyUsedAsync(6, 1, NewBaseKey());
        await store.MarkKyberPreKeyUsedAsync(6, 1, NewBaseKey());

        using KyberPreKeyRecord after = await store.GetKyberPreKeyAsync(6);
        Assert.Equal(before.Serialize(), after.Serialize());
    }

    [Fact]
    public async Task Last_resort_key_refuses_the_same_triple_twice()
    {
        IKyberPreKeyStore store = await StoreWithAsync(7, isLastResort: true);
        PublicKey baseKey = NewBaseKey();
        await store.MarkKyberPreKeyUsedAsync(7, 1, baseKey);

        // An equal key in a different object is the same base key.
        ProtocolException error = await Assert.ThrowsAsync<ProtocolException>(async () => await store.MarkKyberPreKeyUsedAsync(7, 1, PublicKey.Deserialize(baseKey.Serialize())));
        Assert.Equal(ProtocolErrorKind.KyberPreKeyReused, error.Kind);
        error = await Assert.ThrowsAsync<ProtocolException>(async () => await store.MarkKyberPreKeyUsedAsync(7, 1, baseKey));
        Assert.Equal(ProtocolErrorKind.KyberPreKeyReused, error.Kind);
    }

    [Fact]
    public async Task Last_resort_key_accepts_a_new_base_key_or_a_new_signed_prekey()
    {
        IKyberPreKeyStore store = await StoreWithAsync(8, isLastResort: true);
        using KyberPreKeyRecord otherLastResort = KyberPreKeyRecord.Generate(9, 0, Identity);
        await store.SaveKyberPreKeyAsync(9, otherLastResort, isLastResort: true);
        PublicKey baseKey = NewBaseKey();

        await store.MarkKyberPreKeyUsedAsync(8, 1, baseKey);
        await store.MarkKyberPreKeyUsedAsync(8, 1, NewBaseKey());
        await store.MarkKyberPreKeyUsedAsync(8, 2, baseKey);
        await store.MarkKyberPreKeyUsedAsync(9, 1, baseKey);

        await Assert.ThrowsAsync<ProtocolException>(async () => await store.MarkKyberPreKeyUsedAsync(8, 2, baseKey));
        await Assert.ThrowsAsync<ProtocolException>(async () => await store.MarkKyberPreKeyUsedAsync(9, 1, baseKey));
    }

    [Fact]
    public async Task Racing_marks_of_one_last_resort_triple_let_exactly_one_through()
    {
        IKyberPreKeyStore store = await StoreWithAsync(10, isLastResort: true);
        PublicKey baseKey = NewBaseKey();

        bool[] succeeded = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
        {
            try
            {
                await store.MarkKyberPreKeyUsedAsync(10, 1, PublicKey.Deserialize(baseKey.Serialize()));
                return true;
            }
            catch (ProtocolException e) when (e.Kind == ProtocolErrorKind.KyberPreKeyReused)
            {
                return false;
            }
        })));

        Assert.Single(succeeded, s => s);
    }

    [Fact]
    public async Task Canceled_token_is_honoured_and_changes_nothing()
    {
        IKyberPreKeyStore store = await StoreWithAsync(11, isLastResort: false);
        IKyberPreKeyStore lastResortStore = await StoreWithAsync(12, isLastResort: true);
        using KyberPreKeyRecord record = KyberPreKeyRecord.Generate(13, 0, Identity);
        PublicKey baseKey = NewBaseKey();
        CancellationToken canceled = StoreTestData.Canceled;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.GetKyberPreKeyAsync(11, canceled));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.SaveKyberPreKeyAsync(13, record, false, canceled));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.MarkKyberPreKeyUsedAsync(11, 1, baseKey, canceled));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await lastResortStore.MarkKyberPreKeyUsedAsync(12, 1, baseKey, canceled));

        using KyberPreKeyRecord kept = await store.GetKyberPreKeyAsync(11);
        await Assert.ThrowsAsync<ProtocolException>(async () => await store.GetKyberPreKeyAsync(13));
        await lastResortStore.MarkKyberPreKeyUsedAsync(12, 1, baseKey);
    }

    [Fact]
    public async Task Different_ids_save_get_and_mark_concurrently()
    {
        IKyberPreKeyStore store = CreateStore();
        await Task.WhenAll(Enumerable.Range(1, 32).Select(i => Task.Run(async () =>
        {
            uint id = (uint)i;
            bool isLastResort = i % 2 == 1;
            using KyberPreKeyRecord record = KyberPreKeyRecord.Generate(id, 0, Identity);
            await store.SaveKyberPreKeyAsync(id, record, isLastResort);
            using (KyberPreKeyRecord loaded = await store.GetKyberPreKeyAsync(id))
            {
                Assert.Equal(record.Serialize(), loaded.Serialize());
            }

            await store.MarkKyberPreKeyUsedAsync(id, 1, NewBaseKey());
        })));

        for (uint id = 1; id <= 32; id++)
        {
            if (id % 2 == 1)
            {
                using KyberPreKeyRecord loaded = await store.GetKyberPreKeyAsync(id);
            }
            else
            {
                await Assert.ThrowsAsync<ProtocolException>(async () => await store.GetKyberPreKeyAsync(id));
            }
        }
    }
}
