using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.Storage;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Storage;

public sealed class InMemoryIdentityKeyStoreTests : IdentityKeyStoreContract, IDisposable
{
    private readonly List<IDisposable> _created = [];

    protected override IIdentityKeyStore CreateStore()
    {
        using var identity = IdentityKeyPair.Generate();
        var store = new InMemoryIdentityKeyStore(identity, 1234);
        _created.Add(store);
        return store;
    }

    public void Dispose()
    {
        foreach (IDisposable store in _created)
        {
            store.Dispose();
        }
    }

    [Fact]
    public async Task Answers_with_the_identity_and_registration_id_it_was_given()
    {
        using var identity = IdentityKeyPair.Generate();
        using var store = new InMemoryIdentityKeyStore(identity, 16383);

        using IdentityKeyPair loaded = await store.GetIdentityKeyPairAsync();
        Assert.Equal(identity.PublicKey, loaded.PublicKey);
        Assert.Equal(identity.PrivateKey.Serialize(), loaded.PrivateKey.Serialize());
        Assert.Equal(16383u, await store.GetLocalRegistrationIdAsync());
    }

    [Fact]
    public async Task Keeps_its_own_copy_and_hands_out_copies()
    {
        var identity = IdentityKeyPair.Generate();
        PublicKey publicKey = identity.PublicKey;
        using var store = new InMemoryIdentityKeyStore(identity, 1);
        identity.Dispose();

        IdentityKeyPair first = await store.GetIdentityKeyPairAsync();
        first.Dispose();

        using IdentityKeyPair second = await store.GetIdentityKeyPairAsync();
        Assert.NotSame(first, second);
        Assert.Equal(publicKey, second.PublicKey);
        byte[] message = [1, 2, 3];
        Assert.True(publicKey.VerifySignature(message, second.PrivateKey.CalculateSignature(message)));
    }

    [Fact]
    public void Does_not_print_its_key()
    {
        using var identity = IdentityKeyPair.Generate();
        using var store = new InMemoryIdentityKeyStore(identity, 1);
        Assert.Equal(nameof(InMemoryIdentityKeyStore), store.ToString());
    }
}
