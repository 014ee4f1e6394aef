using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.Storage;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Storage;

/// <summary>
/// The rules of <see cref="IIdentityKeyStore"/>, as tests any implementation inherits: override <see cref="CreateStore"/>
/// to return a new store with no remote identities saved. Hosts copy or reference this class to test their own
/// store (it lives in the test project for now).
/// </summary>
public abstract class IdentityKeyStoreContract
{
    /// <summary>A new store that has seen no remote identities.</summary>
    protected abstract IIdentityKeyStore CreateStore();

    /// <summary>A fresh remote identity key.</summary>
    protected static PublicKey NewIdentityKey()
    {
        using var privateKey = PrivateKey.Generate();
        return privateKey.GetPublicKey();
    }

    [Fact]
    public async Task Local_identity_and_registration_id_are_stable()
    {
        IIdentityKeyStore store = CreateStore();
        using IdentityKeyPair first = await store.GetIdentityKeyPairAsync();
        using IdentityKeyPair second = await store.GetIdentityKeyPairAsync();
        Assert.Equal(first.PublicKey, second.PublicKey);
        Assert.Equal(first.PrivateKey.Serialize(), second.PrivateKey.Serialize());
        Assert.Equal(await store.GetLocalRegistrationIdAsync(), await store.GetLocalRegistrationIdAsync());
    }

    [Fact]
    public async Task Unknown_address_has_no_identity_and_any_key_is_trusted_on_first_use()
    {
        IIdentityKeyStore store = CreateStore();
        ProtocolAddress address = StoreTestData.Address(0);
        Assert.Null(await store.GetIdentityAsync(address));
        Assert.True(await store.IsTrustedIdentityAsync(address, NewIdentityKey(), Direction.Sending));
        Assert.True(await store.IsTrustedIdentityAsync(address, NewIdentityKey(), Direction.Receiving));
        Assert.Null(await store.GetIdentityAsync(address));
    }

    [Fact]
    public async Task First_save_is_new_and_the_saved_key_is_trusted_both_ways()
    {
        IIdentityKeyStore store = CreateStore();
        ProtocolAddress address = StoreTestData.Address(0);
        PublicKey key = NewIdentityKey();

        Assert.Equal(IdentityChange.NewOrUnchanged, await store.SaveIdentityAsync(address, key));
        Assert.Equal(key, await store.GetIdentityAsync(address));
        Assert.True(await store.IsTrustedIdentityAsync(address, key, Direction.Sending));
        Assert.True(await store.IsTrustedIdentityAsync(address, key, Direction.Receiving));

        Assert.Equal(IdentityChange.NewOrUnchanged, await store.SaveIdentityAsync(address, PublicKey.Deserialize(key.Serialize())));
        Assert.Equal(key, await store.GetIdentityAsync(address));
    }

    [Fact]
    public async Task Changed_key_is_untrusted_both_ways_until_saved_then_replaces_the_old_one()
    {
        IIdentityKeyStore store = CreateStore();
        ProtocolAddress address = StoreTestData.Address(0);
        PublicKey oldKey = NewIdentityKey();
        PublicKey newKey = NewIdentityKey();
        await store.SaveIdentityAsync(address, oldKey);

        Assert.False(await store.IsTrustedIdentityAsync(address, newKey, Direction.Sending));
        Assert.False(await store.IsTrustedIdentityAsync(address, newKey, Direction.Receiving));
        Assert.Equal(oldKey, await store.GetIdentityAsync(address));

        Assert.Equal(IdentityChange.ReplacedExisting, await store.SaveIdentityAsync(address, newKey));
        Assert.Equal(newKey, await store.GetIdentityAsync(address));
        Assert.True(await store.IsTrustedIdentityAsync(address, newKey, Direction.Sending));
        Assert.True(await store.IsTrustedIdentityAsync(address, newKey, Direction.Receiving));
        Assert.False(await store.IsTrustedIdentityAsync(address, oldKey, Direction.Sending));
        Assert.False(await store.IsTrustedIdentityAsync(address, oldKey, Direction.Receiving));

        Assert.Equal(IdentityChange.ReplacedExisting, await store.SaveIdentityAsync(address, oldKey));
        Assert.Equal(IdentityChange.NewOrUnchanged, await store.SaveIdentityAsync(address, oldKey));
    }

    [Fact]
    public async Task Addresses_are_independent_including_devices_of_one_name()
    {
        IIdentityKeyStore store = CreateStore();
        var device1 = new ProtocolAddress("alice", 1);
        var device2 = new ProtocolAddress("alice", 2);
        PublicKey key1 = NewIdentityKey();
        PublicKey key2 = NewIdentityKey();

        await store.SaveIdentityAsync(device1, key1);
        Assert.Null(await store.GetIdentityAsync(device2));
        Assert.True(await store.IsTrustedIdentityAsync(device2, key2, Direction.Receiving));
        Assert.Equal(IdentityChange.NewOrUnchanged, await store.SaveIdentityAsync(device2, key2));
        Assert.Equal(key1, await store.GetIdentityAsync(device1));
        Assert.Equal(key2, await store.GetIdentityAsync(device2));
        Assert.False(await store.IsTrustedIdentityAsync(device1, key2, Direction.Sending));
    }

    [Fact]
    public async Task Canceled_token_is_honoured_and_saves_nothing()
    {
        IIdentityKeyStore store = CreateStore();
        ProtocolAddress address = StoreTestData.Address(0);
        PublicKey key = NewIdentityKey();
        CancellationToken canceled = StoreTestData.Canceled;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.GetIdentityKeyPairAsync(canceled));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.GetLocalRegistrationIdAsync(canceled));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.SaveIdentityAsync(address, key, canceled));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.IsTrustedIdentityAsync(address, key, Direction.Sending, canceled));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.GetIdentityAsync(address, canceled));
        Assert.Null(await store.GetIdentityAsync(address));
    }

    [Fact]
    public async Task Different_addresses_save_and_check_concurrently()
    {
        IIdentityKeyStore store = CreateStore();
        const int addresses = 64;
        PublicKey[] first = [.. Enumerable.Range(0, addresses).Select(_ => NewIdentityKey())];
        PublicKey[] second = [.. Enumerable.Range(0, addresses).Select(_ => NewIdentityKey())];

        await Task.WhenAll(Enumerable.Range(0, addresses).Select(i => Task.Run(async () =>
        {
            ProtocolAddress address = StoreTestData.Address(i);
            Assert.Equal(IdentityChange.NewOrUnchanged, await store.SaveIdentityAsync(address, first[i]));
            Assert.True(await store.IsTrustedIdentityAsync(address, first[i], Direction.Receiving));
            Assert.False(await store.IsTrustedIdentityAsync(address, second[i], Direction.Sending));
            Assert.Equal(IdentityChange.ReplacedExisting, await store.SaveIdentityAsync(address, second[i]));
            Assert.Equal(second[i], await store.GetIdentityAsync(address));
        })));
    }

    [Fact]
    public async Task Racing_first_saves_of_one_key_all_report_new()
    {
        IIdentityKeyStore store = CreateStore();
        ProtocolAddress address = StoreTestData.Address(0);
        PublicKey key = NewIdentityKey();

        IdentityChange[] results = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
            await store.SaveIdentityAsync(address, PublicKey.Deserialize(key.Serialize())))));

        Assert.All(results, result => Assert.Equal(IdentityChange.NewOrUnchanged, result));
        Assert.Equal(key, await store.GetIdentityAsync(address));
    }
}
