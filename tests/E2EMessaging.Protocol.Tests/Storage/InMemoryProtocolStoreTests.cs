using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.PreKeys;
using E2EMessaging.Protocol.Sessions;
using E2EMessaging.Protocol.Storage;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Storage;

// The combined store keeps every contract of the five parts it delegates to.

public sealed class InMemoryProtocolStoreIdentityTests : IdentityKeyStoreContract, IDisposable
{
    private readonly List<InMemoryProtocolStore> _created = [];

    protected override IIdentityKeyStore CreateStore()
    {
        using var identity = IdentityKeyPair.Generate();
        var store = new InMemoryProtocolStore(identity, 99);
        _created.Add(store);
        return store;
    }

    public void Dispose() => _created.ForEach(store => store.Dispose());
}

public sealed class InMemoryProtocolStoreSessionTests : SessionStoreContract
{
    private static readonly IdentityKeyPair Identity = IdentityKeyPair.Generate();

    protected override ISessionStore CreateStore() => new InMemoryProtocolStore(Identity, 1);
}

public sealed class InMemoryProtocolStorePreKeyTests : PreKeyStoreContract
{
    private static readonly IdentityKeyPair Identity = IdentityKeyPair.Generate();

    protected override IPreKeyStore CreateStore() => new InMemoryProtocolStore(Identity, 1);
}

public sealed class InMemoryProtocolStoreSignedPreKeyTests : SignedPreKeyStoreContract
{
    private static readonly IdentityKeyPair Identity = IdentityKeyPair.Generate();

    protected override ISignedPreKeyStore CreateStore() => new InMemoryProtocolStore(Identity, 1);
}

public sealed class InMemoryProtocolStoreKyberPreKeyTests : KyberPreKeyStoreContract
{
    private static readonly IdentityKeyPair Identity = IdentityKeyPair.Generate();

    protected override IKyberPreKeyStore CreateStore() => new InMemoryProtocolStore(Identity, 1);
}

public sealed class InMemoryProtocolStoreTests
{
    [Fact]
    public async Task Calls_go_to_the_exposed_parts()
    {
        using var identity = IdentityKeyPair.Generate();
        using var store = new InMemoryProtocolStore(identity, 321);
        ProtocolAddress address = StoreTestData.Address(0);

        Assert.Equal(321u, await store.IdentityStore.GetLocalRegistrationIdAsync());
        PublicKey remote = NewRemoteKey();
        await store.SaveIdentityAsync(address, remote);
        Assert.Equal(remote, await store.IdentityStore.GetIdentityAsync(address));

        SessionRecord session = StoreTestData.Session(5);
        await store.StoreSessionAsync(address, session);
        Assert.Equal(session.Serialize(), (await store.SessionStore.LoadSessionAsync(address))!.Serialize());

        using PreKeyRecord preKey = PreKeyRecord.Generate(1);
        await store.SavePreKeyAsync(1, preKey);
        using (PreKeyRecord loaded = await store.PreKeyStore.GetPreKeyAsync(1))
        {
            Assert.Equal(preKey.Serialize(), loaded.Serialize());
        }

        await store.RemovePreKeyAsync(1);
        await Assert.ThrowsAsync<ProtocolException>(async () => await store.PreKeyStore.GetPreKeyAsync(1));

        using SignedPreKeyRecord signedPreKey = SignedPreKeyRecord.Generate(2, 0, identity);
        await store.SaveSignedPreKeyAsync(2, signedPreKey);
        using (SignedPreKeyRecord loaded = await store.SignedPreKeyStore.GetSignedPreKeyAsync(2))
        {
            Assert.Equal(signedPreKey.Serialize(), loaded.Serialize());
        }

        using KyberPreKeyRecord kyberPreKey = KyberPreKeyRecord.Generate(3, 0, identity);
        await store.SaveKyberPreKeyAsync(3, kyberPreKey);
        using (KyberPreKeyRecord loaded = await store.KyberPreKeyStore.GetKyberPreKeyAsync(3))
        {
            Assert.Equal(kyberPreKey.Serialize(), loaded.Serialize());
        }

        await store.MarkKyberPreKeyUsedAsync(3, 2, remote);
        await Assert.ThrowsAsync<ProtocolException>(async () => await store.KyberPreKeyStore.GetKyberPreKeyAsync(3));
        Assert.Equal(nameof(InMemoryProtocolStore), store.ToString());
    }

    private static PublicKey NewRemoteKey()
    {
        using var privateKey = PrivateKey.Generate();
        return privateKey.GetPublicKey();
    }
}
