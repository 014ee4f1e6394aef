using System.Collections.Concurrent;
using E2EMessaging.Protocol;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Wire;

namespace E2EMessaging.Relay.Stores;

/// <summary>The device directory in process memory: one lock per account.</summary>
public sealed class InMemoryDeviceDirectory : IDeviceDirectory
{
    private readonly ConcurrentDictionary<string, Account> _accounts = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask<bool> TryCreateAccountAsync(string account, DeviceInfo firstDevice, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(account);
        ArgumentNullException.ThrowIfNull(firstDevice);
        if (firstDevice.DeviceId != 1)
        {
            throw new ArgumentException("An account's first device is device 1.", nameof(firstDevice));
        }

        var created = new Account();
        created.Devices.Add(1, firstDevice);
        created.LastDeviceId = 1;
        return ValueTask.FromResult(_accounts.TryAdd(account, created));
    }

    /// <inheritdoc />
    public ValueTask<uint?> TryAddDeviceAsync(string account, uint registrationId, PublicKey identityKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(account);
        ArgumentNullException.ThrowIfNull(identityKey);
        if (!_accounts.TryGetValue(account, out Account? entry))
        {
            return ValueTask.FromResult<uint?>(null);
        }

        lock (entry)
        {
            if (entry.LastDeviceId >= WireLimits.MaxDevicesPerAccount)
            {
                return ValueTask.FromResult<uint?>(null);
            }

            uint deviceId = ++entry.LastDeviceId;
            entry.Devices.Add(deviceId, new DeviceInfo(deviceId, registrationId, identityKey));
            return ValueTask.FromResult<uint?>(deviceId);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<DeviceInfo>> GetDevicesAsync(string account, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(account);
        if (!_accounts.TryGetValue(account, out Account? entry))
        {
            return ValueTask.FromResult<IReadOnlyList<DeviceInfo>>([]);
        }

        lock (entry)
        {
            return ValueTask.FromResult<IReadOnlyList<DeviceInfo>>(entry.Devices.Values.ToList());
        }
    }

    /// <inheritdoc />
    public ValueTask<DeviceInfo?> GetDeviceAsync(ProtocolAddress device, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (!_accounts.TryGetValue(device.Name, out Account? entry))
        {
            return ValueTask.FromResult<DeviceInfo?>(null);
        }

        lock (entry)
        {
            return ValueTask.FromResult(entry.Devices.TryGetValue(device.DeviceId, out DeviceInfo? info) ? info : null);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> RemoveDeviceAsync(ProtocolAddress device, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (!_accounts.TryGetValue(device.Name, out Account? entry))
        {
            return ValueTask.FromResult(false);
        }

        lock (entry)
        {
            return ValueTask.FromResult(entry.Devices.Remove(device.DeviceId));
        }
    }

    private sealed class Account
    {
        public SortedList<uint, DeviceInfo> Devices { get; } = [];

        public uint LastDeviceId { get; set; }
    }
}
