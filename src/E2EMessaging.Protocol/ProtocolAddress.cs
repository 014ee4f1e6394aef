namespace E2EMessaging.Protocol;

/// <summary>One device of one account: the account's name (a service id or any stable string) and a device id from 1 to 127.</summary>
public sealed class ProtocolAddress : IEquatable<ProtocolAddress>
{
    /// <summary>Creates an address.</summary>
    /// <exception cref="ArgumentException">The name is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The device id is outside 1–127.</exception>
    public ProtocolAddress(string name, uint deviceId)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (deviceId is < Limits.MinDeviceId or > Limits.MaxDeviceId)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(deviceId), "A device id is from 1 to 127.");
        }

        Name = name;
        DeviceId = deviceId;
    }

    /// <summary>The account's name.</summary>
    public string Name { get; }

    /// <summary>The device id, 1–127.</summary>
    public uint DeviceId { get; }

    /// <inheritdoc />
    public bool Equals(ProtocolAddress? other) => other is not null && DeviceId == other.DeviceId && string.Equals(Name, other.Name, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ProtocolAddress);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(StringComparer.Ordinal.GetHashCode(Name), DeviceId);

    /// <summary>"name.deviceId", as libsignal prints addresses.</summary>
    public override string ToString() => $"{Name}.{DeviceId}";
}
