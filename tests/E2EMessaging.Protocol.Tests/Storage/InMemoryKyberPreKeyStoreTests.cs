using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.Storage;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Storage;

public sealed class InMemoryKyberPreKeyStoreTests : KyberPreKeyStoreContract
{
    protected override IKyberPreKeyStore CreateStore() => new InMemoryKyberPreKeyStore();

    [Fact]
    public async Task Missing_id_error_names_the_id()
    {
        var store = new InMemoryKyberPreKeyStore();
        ProtocolException error = await Assert.ThrowsAsync<ProtocolException>(async () => await store.GetKyberPreKeyAsync(4242));
        Assert.Contains("4242", error.Message, StringComparison.Ordinal);

        error = await Assert.ThrowsAsync<ProtocolException>(async () => await store.MarkKyberPreKeyUsedAsync(4242, 1, NewBaseKey()));
        Assert.Equal(ProtocolErrorKind.InvalidKyberPreKeyId, error.Kind);
        Assert.Contains("4242", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reuse_error_names_the_ids_but_not_the_base_key()
    {
        IKyberPreKeyStore store = await StoreWithAsync(31, isLastResort: true);
        PublicKey baseKey = NewBaseKey();
        await store.MarkKyberPreKeyUsedAsync(31, 17, baseKey);

        ProtocolException error = await Assert.ThrowsAsync<ProtocolException>(async () => await store.MarkKyberPreKeyUsedAsync(31, 17, baseKey));
        Assert.Contains("31", error.Message, StringComparison.Ordinal);
        Assert.Contains("17", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(baseKey.KeyBytes[..4]), error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToBase64String(baseKey.KeyBytes[..6]), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_one_time_key_marked_twice_is_refused_as_unknown()
    {
        IKyberPreKeyStore store = await StoreWithAsync(32, isLastResort: false);
        await store.MarkKyberPreKeyUsedAsync(32, 1, NewBaseKey());

        ProtocolException error = await Assert.ThrowsAsync<ProtocolException>(async () => await store.MarkKyberPreKeyUsedAsync(32, 1, NewBaseKey()));
        Assert.Equal(ProtocolErrorKind.InvalidKyberPreKeyId, error.Kind);
    }

    [Fact]
    public async Task Racing_marks_of_one_one_time_key_let_exactly_one_through()
    {
        IKyberPreKeyStore store = await StoreWithAsync(33, isLastResort: false);

        bool[] succeeded = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
        {
            try
            {
                await store.MarkKyberPreKeyUsedAsync(33, 1, NewBaseKey());
                return true;
            }
            catch (ProtocolException e) when (e.Kind == ProtocolErrorKind.InvalidKyberPreKeyId)
            {
                return false;
            }
        })));

        Assert.Single(succeeded, s => s);
    }
}
