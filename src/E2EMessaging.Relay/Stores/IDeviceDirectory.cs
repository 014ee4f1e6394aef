using E2EMessaging.Protocol;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Wire;

namespace E2EMessaging.Relay.Stores;

/// <summary>
/// Accounts and their devices: device id, registration id and identity key (which authenticates the device).
/// </summary>
/// <remarks>
/// Device ids are allocated per account, increasing, and never reused (a message meant for an unlinked device can
/// never reach a later one). Changes to one account are atomic; different accounts do not block each other.
/// </remarks>
public interface IDeviceDirectory
{
    /// <summary>Creates <paramref name="account"/> with <paramref name="firstDevice"/> as device 1; false when the account exists.</summary>
    ValueTask<bool> TryCreateAccountAsync(string account, DeviceInfo firstDevice, CancellationToken cancellationToken = default);

    /// <summary>Adds a device to an existing account; returns its id, or null when the account does not exist or has used every device id.</summary>
    ValueTask<uint?> TryAddDeviceAsync(string account, uint registrationId, PublicKey identityKey, CancellationToken cancellationToken = default);

    /// <summary>The account's devices in device-id order; empty when the account does not exist.</summary>
    ValueTask<IReadOnlyList<DeviceInfo>> GetDevicesAsync(string account, CancellationToken cancellationToken = default);

    /// <summary>One device, or null.</summary>
    ValueTask<DeviceInfo?> GetDeviceAsync(ProtocolAddress device, CancellationToken cancellationToken = default);

    /// <summary>Removes a device; false when it did not exist.</summary>
    ValueTask<bool> RemoveDeviceAsync(ProtocolAddress device, CancellationToken cancellationToken = default);
}
