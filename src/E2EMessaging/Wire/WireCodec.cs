using System.Text;
using E2EMessaging.Protocol;
using Google.Protobuf;
using Proto = E2EMessaging.Proto;

namespace E2EMessaging.Wire;

/// <summary>Shared field checks and conversions between the protobuf types and the public wire types.</summary>
internal static class WireCodec
{
    /// <summary>The longest Unix-millisecond value a <see cref="DateTimeOffset"/> can hold.</summary>
    private static readonly ulong MaxMilliseconds = (ulong)DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    /// <summary>Null when <paramref name="account"/> is a valid account id, else the problem.</summary>
    public static string? CheckAccount(string? account)
    {
        if (string.IsNullOrEmpty(account))
        {
            return "An account id is empty.";
        }

        if (account.Length > WireLimits.MaxAccountIdLength || Encoding.UTF8.GetByteCount(account) > WireLimits.MaxAccountIdLength)
        {
            return $"An account id is over {WireLimits.MaxAccountIdLength} UTF-8 bytes.";
        }

        return null;
    }

    public static void RequireAccount(string? account)
    {
        if (CheckAccount(account) is { } problem)
        {
            WireThrow.Invalid(problem);
        }
    }

    public static bool IsValidDeviceId(uint deviceId) => deviceId is >= 1 and <= WireLimits.MaxDevicesPerAccount;

    public static ProtocolAddress ReadAddress(Proto.DeviceAddress? address, string what)
    {
        if (address is null)
        {
            return WireThrow.Invalid<ProtocolAddress>($"The {what} address is missing.");
        }

        RequireAccount(address.Account);
        if (!IsValidDeviceId(address.DeviceId))
        {
            WireThrow.Invalid($"The {what} device id {address.DeviceId} is outside 1–127.");
        }

        return new ProtocolAddress(address.Account, address.DeviceId);
    }

    public static Proto.DeviceAddress WriteAddress(ProtocolAddress address) => new() { Account = address.Name, DeviceId = address.DeviceId };

    public static void CheckAddressForWrite(ProtocolAddress address, string paramName)
    {
        ArgumentNullException.ThrowIfNull(address, paramName);
        if (CheckAccount(address.Name) is { } problem)
        {
            throw new ArgumentException(problem, paramName);
        }
    }

    public static EnvelopeType ReadType(Proto.EnvelopeType type) => type switch
    {
        Proto.EnvelopeType.Prekey => EnvelopeType.PreKey,
        Proto.EnvelopeType.Whisper => EnvelopeType.Whisper,
        Proto.EnvelopeType.SenderKey => EnvelopeType.SenderKey,
        Proto.EnvelopeType.PlaintextReceipt => EnvelopeType.PlaintextReceipt,
        _ => WireThrow.Invalid<EnvelopeType>($"Unknown envelope type {(int)type}."),
    };

    public static Proto.EnvelopeType WriteType(EnvelopeType type) => type switch
    {
        EnvelopeType.PreKey => Proto.EnvelopeType.Prekey,
        EnvelopeType.Whisper => Proto.EnvelopeType.Whisper,
        EnvelopeType.SenderKey => Proto.EnvelopeType.SenderKey,
        EnvelopeType.PlaintextReceipt => Proto.EnvelopeType.PlaintextReceipt,
        _ => throw new ArgumentOutOfRangeException(nameof(type), "Unknown envelope type."),
    };

    public static bool IsDefined(EnvelopeType type) => type is >= EnvelopeType.PreKey and <= EnvelopeType.PlaintextReceipt;

    public static DateTimeOffset ReadTime(ulong milliseconds, string what)
    {
        if (milliseconds > MaxMilliseconds)
        {
            WireThrow.Invalid($"The {what} is past year 9999.");
        }

        return DateTimeOffset.FromUnixTimeMilliseconds((long)milliseconds);
    }

    public static ulong WriteTime(DateTimeOffset time) => (ulong)Math.Max(0, time.ToUnixTimeMilliseconds());

    public static void RequireVersion(uint version, string what)
    {
        if (version != WireLimits.CurrentVersion)
        {
            WireThrow.Kind(MessagingErrorKind.UnsupportedVersion, $"The {what} has version {version}; this library speaks version {WireLimits.CurrentVersion}.");
        }
    }

    public static void CheckCiphertext(int length, string what)
    {
        if (length == 0)
        {
            WireThrow.Invalid($"The {what} ciphertext is empty.");
        }

        if (length > WireLimits.MaxCiphertextLength)
        {
            WireThrow.Kind(MessagingErrorKind.TooLarge, $"The {what} ciphertext is {length} bytes; the limit is {WireLimits.MaxCiphertextLength}.");
        }
    }

    public static void CheckGroupId(int length)
    {
        if (length > WireLimits.MaxGroupIdLength)
        {
            WireThrow.Kind(MessagingErrorKind.TooLarge, $"The group id is {length} bytes; the limit is {WireLimits.MaxGroupIdLength}.");
        }
    }

    public static ByteString Bytes(ReadOnlyMemory<byte> memory) => memory.IsEmpty ? ByteString.Empty : ByteString.CopyFrom(memory.Span);

    /// <summary>Wraps our own fresh array without a copy (the caller never touches it again).</summary>
    public static ByteString Own(byte[] bytes) => UnsafeByteOperations.UnsafeWrap(bytes);

    /// <summary>Runs a check that throws <see cref="MessagingException"/> and turns it into an argument error (for constructors).</summary>
    public static void AsArgument(Action check, string paramName)
    {
        try
        {
            check();
        }
        catch (MessagingException e)
        {
            throw new ArgumentException(e.Message, paramName, e);
        }
    }
}
