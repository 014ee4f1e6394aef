using System.Text;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.PreKeys;
using E2EMessaging.Protocol.Storage;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Storage;

/// <summary>
/// The rules of <see cref="ISignedPreKeyStore"/>, as tests any implementation inherits: override <see cref="CreateStore"/>
/// to return a new, empty store. Hosts copy or reference this class to test their own store (it lives in the
/// test project for now).
/// </summary>
public abstract class SignedPreKeyStoreContract
{
    private static readonly IdentityKeyPair Identity = IdentityKeyPair.Generate();

    /// <summary>A new, empty store.</summary>
    protected abstract ISignedPreKeyStore CreateStore();

    [Fact]
    public async Task Saved_signed_prekey_loads_with_the_same_bytes()
    {
        ISignedPreKeyStore store = CreateStore();
        using SignedPreKeyRecord record = SignedPreKeyRecord.Generate(77, 1_700_000_000_000, Identity);
        await store.SaveSignedPreKeyAsync(77, record);

        using SignedPreKeyRecord loaded = await store.GetSignedPreKeyAsync(77);
        Assert.Equal(77u, loaded.Id);
        Assert.Equal(1_700_000_000_000ul, loaded.Timestamp);
        Assert.Equal(record.Serialize(), loaded.Serialize());
        Assert.True(Identity.PublicKey.VerifySignature(loaded.PublicKey.Serialize(), loaded.Signature.Span));
    }

    [Fact]
    public async Task Unknown_id_throws_invalid_signed_prekey_id()
    {
        ISignedPreKeyStore store = CreateStore();
        using SignedPreKeyRecord record = SignedPreKeyRecord.Generate(1, 0, Identity);
        await store.SaveSignedPreKeyAsync(1, record);

        ProtocolException error = await Assert.ThrowsAsync<ProtocolException>(async () => await store.GetSignedPreKeyAsync(2));
        Assert.Equal(ProtocolErrorKind.InvalidSignedPreKeyId, error.Kind);
    }

    [Fact]
    public async Task Save_replaces_and_keeps_other_ids()
    {
        ISignedPreKeyStore store = CreateStore();
        using SignedPreKeyRecord rotatedOut = SignedPreKeyRecord.Generate(1, 1, Identity);
        using SignedPreKeyRecord first = SignedPreKeyRecord.Generate(2, 2, Identity);
        using SignedPreKeyRecord second = SignedPreKeyRecord.Generate(2, 3, Identity);
        await store.SaveSignedPreKeyAsync(1, rotatedOut);
        await store.SaveSignedPreKeyAsync(2, first);
        await store.SaveSignedPreKeyAsync(2, second);

        using SignedPreKeyRecord loaded = await store.GetSignedPreKeyAsync(2);
        Assert.Equal(second.Serialize(), loaded.Serialize());
        using SignedPreKeyRecord old = await store.GetSignedPreKeyAsync(1);
        Assert.Equal(rotatedOut.Serialize(), old.Serialize());
    }

    [Fact]
    public async Task Each_get_is_an_independent_record_the_caller_may_dispose()
    {
        ISignedPreKeyStore store = CreateStore();
        byte[] expected;
        using (SignedPreKeyRecord record = SignedPreKeyRecord.Generate(3, 0, Identity))
        {
            expected = record.Serialize();
            await store.SaveSignedPreKeyAsync(3, record);
        }

        SignedPreKeyRecord first = await store.GetSignedPreKeyAsync(3);
        first.Dispose();

        using SignedPreKeyRecord second = await store.GetSignedPreKeyAsync(3);
        Assert.NotSame(first, second);
        Assert.Equal(expected, second.Serialize());
        byte[] message = Encoding.UTF8.GetBytes("still usable");
        Assert.True(second.PublicKey.VerifySignature(message, second.KeyPair.PrivateKey.CalculateSignature(message)));
    }

    [Fact]
    public async Task Canceled_token_is_honoured_and_saves_nothing()
    {
        ISignedPreKeyStore store = CreateStore();
        using SignedPreKeyRecord record = SignedPreKeyRecord.Generate(1, 0, Identity);
        CancellationToken canceled = StoreTestData.Canceled;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.SaveSignedPreKeyAsync(1, record, canceled));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.GetSignedPreKeyAsync(1, canceled));
        ProtocolException error = await Assert.ThrowsAsync<ProtocolException>(async () => await store.GetSignedPreKeyAsync(1));
        Assert.Equal(ProtocolErrorKind.InvalidSignedPreKeyId, error.Kind);
    }

    [Fact]
    public async Task Different_ids_save_and_get_concurrently()
    {
        ISignedPreKeyStore store = CreateStore();
        await Task.WhenAll(Enumerable.Range(1, 64).Select(i => Task.Run(async () =>
        {
            uint id = (uint)i;
            using SignedPreKeyRecord record = SignedPreKeyRecord.Generate(id, id, Identity);
            await store.SaveSignedPreKeyAsync(id, record);
            using SignedPreKeyRecord loaded = await store.GetSignedPreKeyAsync(id);
            Assert.Equal(record.Serialize(), loaded.Serialize());
        })));
    }
}
