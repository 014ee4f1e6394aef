namespace E2EMessaging.Devices;

/// <summary>One device of an account: its id and its registration id (which changes when the device is re-registered).</summary>
/// <param name="DeviceId">The device id, 1 to 127.</param>
/// <param name="RegistrationId">The device's registration id.</param>
public readonly record struct KnownDevice(uint DeviceId, uint RegistrationId);

/// <summary>An account's devices as this device last learned them (from the relay's directory or a device mismatch).</summary>
public sealed class DeviceList
{
    /// <summary>Creates a device list.</summary>
    public DeviceList(string account, IEnumerable<KnownDevice> devices, DateTimeOffset updatedAt)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(devices);
        Account = account;
        Devices = [.. devices.DistinctBy(d => d.DeviceId).OrderBy(d => d.DeviceId)];
        UpdatedAt = updatedAt;
    }

    /// <summary>The account.</summary>
    public string Account { get; }

    /// <summary>Its devices, sorted by id, one entry per id.</summary>
    public IReadOnlyList<KnownDevice> Devices { get; }

    /// <summary>The device ids.</summary>
    public IEnumerable<uint> DeviceIds => Devices.Select(d => d.DeviceId);

    /// <summary>When this list was learned.</summary>
    public DateTimeOffset UpdatedAt { get; }

    /// <summary>The type name, account and device count.</summary>
    public override string ToString() => $"{nameof(DeviceList)}({Account}, {Devices.Count} devices)";
}
