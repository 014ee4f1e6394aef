namespace E2EMessaging.Protocol.Sessions;

/// <summary>
/// Signal service ids as libsignal parses them from a <see cref="ProtocolAddress"/> name: an ACI is a hyphenated
/// UUID, a PNI is "PNI:" and a hyphenated UUID. Their fixed-width binary form is a kind byte (0 ACI, 1 PNI) and
/// the 16 UUID bytes.
/// </summary>
internal static class ServiceIds
{
    public const int FixedWidthLength = 17;

    /// <summary>Sender service id ‖ sender device ‖ recipient service id ‖ recipient device.</summary>
    public const int AddressesLength = 2 * (FixedWidthLength + 1);

    public static bool TryWriteFixedWidth(string name, Span<byte> destination)
    {
        byte kind = 0;
        ReadOnlySpan<char> uuid = name;
        if (name.StartsWith("PNI:", StringComparison.Ordinal))
        {
            kind = 1;
            uuid = uuid[4..];
        }

        if (uuid.Length != 36 || !Guid.TryParseExact(uuid, "D", out Guid guid))
        {
            return false;
        }

        destination[0] = kind;
        return guid.TryWriteBytes(destination[1..FixedWidthLength], bigEndian: true, out _);
    }

    /// <summary>The 36-byte binding of sender and recipient that SignalMessage field 6 carries, or null when either name is not a service id.</summary>
    public static byte[]? EncodeAddresses(ProtocolAddress sender, ProtocolAddress recipient)
    {
        byte[] bytes = new byte[AddressesLength];
        if (!TryWriteFixedWidth(sender.Name, bytes) || !TryWriteFixedWidth(recipient.Name, bytes.AsSpan(FixedWidthLength + 1)))
        {
            return null;
        }

        bytes[FixedWidthLength] = (byte)sender.DeviceId;
        bytes[^1] = (byte)recipient.DeviceId;
        return bytes;
    }

    /// <summary>libsignal's <c>is_same_account</c>: the same identity key and the same service id (a session with oneself, between one's own devices).</summary>
    public static bool IsSameAccount(ProtocolAddress local, Keys.PublicKey localIdentity, ProtocolAddress remote, Keys.PublicKey remoteIdentity)
    {
        if (!localIdentity.Equals(remoteIdentity))
        {
            return false;
        }

        Span<byte> a = stackalloc byte[FixedWidthLength];
        Span<byte> b = stackalloc byte[FixedWidthLength];
        return TryWriteFixedWidth(local.Name, a) && TryWriteFixedWidth(remote.Name, b) && a.SequenceEqual(b);
    }
}
