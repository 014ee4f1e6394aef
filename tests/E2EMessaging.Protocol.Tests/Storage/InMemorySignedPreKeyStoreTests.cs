using E2EMessaging.Protocol.Storage;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Storage;

public sealed class InMemorySignedPreKeyStoreTests : SignedPreKeyStoreContract
{
    protected override ISignedPreKeyStore CreateStore() => new InMemorySignedPreKeyStore();

    [Fact]
    public async Task Missing_id_error_names_the_id()
    {
        var store = new InMemorySignedPreKeyStore();
        ProtocolException error = await Assert.ThrowsAsync<ProtocolException>(async () => await store.GetSignedPreKeyAsync(4242));
        Assert.Contains("4242", error.Message, StringComparison.Ordinal);
    }
}
