using E2EMessaging.Devices;

namespace E2EMessaging.Storage;

/// <summary>Each account's last known device list.</summary>
/// <remarks>Rules: <see cref="SaveAsync"/> replaces the account's list; an unknown account loads as null.</remarks>
public interface IDeviceListStore
{
    /// <summary>The account's devices, or null when unknown.</summary>
    ValueTask<DeviceList?> GetAsync(string account, CancellationToken cancellationToken = default);

    /// <summary>Replaces the account's device list.</summary>
    ValueTask SaveAsync(DeviceList devices, CancellationToken cancellationToken = default);

    /// <summary>Forgets the account's device list (it will be fetched again).</summary>
    ValueTask RemoveAsync(string account, CancellationToken cancellationToken = default);
}
