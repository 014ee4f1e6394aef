using E2EMessaging.Devices;
using E2EMessaging.Storage;
using Xunit;

namespace E2EMessaging.Tests.Storage;

/// <summary>The rules of <see cref="IDeviceListStore"/>; override <see cref="CreateStore"/> with a new, empty store.</summary>
public abstract class DeviceListStoreContract
{
    protected abstract IDeviceListStore CreateStore();

    [Fact]
    public async Task Save_replaces_and_remove_forgets()
    {
        IDeviceListStore store = CreateStore();
        Assert.Null(await store.GetAsync("bob"));
        await store.SaveAsync(new DeviceList("bob", [new KnownDevice(2, 20), new KnownDevice(1, 10), new KnownDevice(2, 20)], DateTimeOffset.UnixEpoch));
        Assert.Equal([1u, 2u], (await store.GetAsync("bob"))!.DeviceIds);
        await store.SaveAsync(new DeviceList("bob", [new KnownDevice(3, 30)], DateTimeOffset.UnixEpoch));
        Assert.Equal([3u], (await store.GetAsync("bob"))!.DeviceIds);
        await store.RemoveAsync("bob");
        Assert.Null(await store.GetAsync("bob"));
    }
}

public sealed class InMemoryDeviceListStoreTests : DeviceListStoreContract
{
    protected override IDeviceListStore CreateStore() => new InMemoryDeviceListStore();
}
