using E2EMessaging.Protocol.Storage;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Storage;

public sealed class InMemoryPreKeyStoreTests : PreKeyStoreContract
{
    protected override IPreKeyStore CreateStore() => new InMemoryPreKeyStore();

    [Fact]
    public async Task Missing_id_error_names_the_id()
    {
        var store = new InMemoryPreKeyStore();
        ProtocolException error = await Assert.ThrowsAsync<ProtocolException>(async () => await store.GetPreKeyAsync(4242));
        Assert.Contains("4242", error.Message, StringComparison.Ordinal);
    }
}
