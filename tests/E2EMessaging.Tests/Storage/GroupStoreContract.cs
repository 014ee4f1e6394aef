using E2EMessaging.Groups;
using E2EMessaging.Protocol;
using E2EMessaging.Storage;
using Xunit;

namespace E2EMessaging.Tests.Storage;

/// <summary>The rules of <see cref="IGroupStore"/>; override <see cref="CreateStore"/> with a new, empty store.</summary>
public abstract class GroupStoreContract
{
    protected abstract IGroupStore CreateStore();

    [Fact]
    public async Task Only_newer_revisions_replace_a_group()
    {
        IGroupStore store = CreateStore();
        Guid id = Guid.NewGuid();
        Assert.Null(await store.GetGroupAsync(id));
        Assert.True(await store.SaveGroupAsync(new GroupInfo(id, "g", ["alice", "bob"], 1)));
        Assert.False(await store.SaveGroupAsync(new GroupInfo(id, "old", ["alice"], 1)));
        Assert.False(await store.SaveGroupAsync(new GroupInfo(id, "older", ["alice"], 0)));
        Assert.True(await store.SaveGroupAsync(new GroupInfo(id, "g2", ["alice", "bob", "carol"], 2)));
        GroupInfo group = (await store.GetGroupAsync(id))!;
        Assert.Equal(2, group.Revision);
        Assert.Equal(["alice", "bob", "carol"], group.Members);
    }

    [Fact]
    public async Task Own_sender_key_is_replaced()
    {
        IGroupStore store = CreateStore();
        Guid group = Guid.NewGuid();
        Assert.Null(await store.GetOwnSenderKeyAsync(group));
        await store.SaveOwnSenderKeyAsync(new OwnSenderKey(group, Guid.NewGuid(), DateTimeOffset.UnixEpoch, 0));
        Guid rotated = Guid.NewGuid();
        await store.SaveOwnSenderKeyAsync(new OwnSenderKey(group, rotated, DateTimeOffset.UnixEpoch, 5));
        OwnSenderKey key = (await store.GetOwnSenderKeyAsync(group))!;
        Assert.Equal(rotated, key.DistributionId);
        Assert.Equal(5, key.MessagesSent);
    }

    [Fact]
    public async Task Distribution_state_is_per_distribution_id_and_additive()
    {
        IGroupStore store = CreateStore();
        Guid first = Guid.NewGuid();
        Guid rotated = Guid.NewGuid();
        await store.MarkDistributedAsync(first, [new ProtocolAddress("bob", 1)]);
        await store.MarkDistributedAsync(first, [new ProtocolAddress("bob", 1), new ProtocolAddress("carol", 1)]);
        Assert.Equal(2, (await store.GetDistributedDevicesAsync(first)).Count);
        Assert.Empty(await store.GetDistributedDevicesAsync(rotated));
    }

    [Fact]
    public async Task Remote_distributions_map_to_their_group()
    {
        IGroupStore store = CreateStore();
        ProtocolAddress bob = new("bob", 1);
        Guid distribution = Guid.NewGuid();
        Guid group = Guid.NewGuid();
        Assert.Null(await store.GetRemoteDistributionGroupAsync(bob, distribution));
        await store.SaveRemoteDistributionAsync(bob, distribution, group);
        Assert.Equal(group, await store.GetRemoteDistributionGroupAsync(bob, distribution));
        Assert.Null(await store.GetRemoteDistributionGroupAsync(new ProtocolAddress("bob", 2), distribution));
    }
}

public sealed class InMemoryGroupStoreTests : GroupStoreContract
{
    protected override IGroupStore CreateStore() => new InMemoryGroupStore();
}
