namespace E2EMessaging.Devices;

/// <summary>An account's devices as this device last learned them (from the relay's directory or a device-list update).</summary>
public sealed class DeviceList
{
    /// <summary>Creates a device list.</summary>
    public DeviceList(string account, IEnumerable<uint> deviceIds, DateTimeOffset updatedAt)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(deviceIds);
        Account = account;
        DeviceIds = [.. deviceIds.Distinct().Order()];
        UpdatedAt = updatedAt;
    }

    /// <summary>The account.</summary>
    public string Account { get; }

    /// <summary>Its device ids, sorted, distinct.</summary>
    public IReadOnlyList<uint> DeviceIds { get; }

    /// <summary>When this list was learned.</summary>
    public DateTimeOffset UpdatedAt { get; }

    /// <summary>The type name, account and device count.</summary>
    public override string ToString() => $"{nameof(DeviceList)}({Account}, {DeviceIds.Count} devices)";
}
