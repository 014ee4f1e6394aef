using System.Collections.Concurrent;
using E2EMessaging.Devices;

namespace E2EMessaging.Storage;

/// <summary>An <see cref="IDeviceListStore"/> in memory.</summary>
public sealed class InMemoryDeviceListStore : IDeviceListStore
{
    private readonly ConcurrentDictionary<string, DeviceList> _lists = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask<DeviceList?> GetAsync(string account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        return ValueTask.FromResult(_lists.TryGetValue(account, out DeviceList? list) ? list : null);
    }

    /// <inheritdoc />
    public ValueTask SaveAsync(DeviceList devices, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(devices);
        _lists[devices.Account] = devices;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask RemoveAsync(string account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        _lists.TryRemove(account, out _);
        return ValueTask.CompletedTask;
    }

    /// <summary>The type name and account count.</summary>
    public override string ToString() => $"{nameof(InMemoryDeviceListStore)}({_lists.Count} accounts)";
}
