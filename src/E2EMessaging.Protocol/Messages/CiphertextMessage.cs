namespace E2EMessaging.Protocol.Messages;

/// <summary>An encrypted message as it goes on the wire: one of the types in <see cref="CiphertextMessageType"/>.</summary>
public abstract class CiphertextMessage
{
    private readonly byte[] _serialized;

    private protected CiphertextMessage(byte[] serialized)
    {
        _serialized = serialized;
    }

    /// <summary>Which kind of message this is.</summary>
    public abstract CiphertextMessageType Type { get; }

    /// <summary>The bytes to send, exactly as libsignal would send them (a fresh copy).</summary>
    public byte[] Serialize() => (byte[])_serialized.Clone();

    /// <summary>The serialized bytes without a copy.</summary>
    internal ReadOnlySpan<byte> Serialized => _serialized;

    /// <summary>The protocol version in the high nibble of the first byte.</summary>
    internal const int CurrentVersion = 4;

    /// <summary>The first byte of every message this library sends: version 4 in both nibbles.</summary>
    internal const byte CurrentVersionByte = (CurrentVersion << 4) | CurrentVersion;

    /// <summary>Checks the version nibble of a received message.</summary>
    internal static void CheckVersion(byte versionByte, string what)
    {
        int version = versionByte >> 4;
        if (version < CurrentVersion)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.UnsupportedVersion, $"The {what} has legacy version {version}; libsignal 0.103 and this library require version 4 (PQXDH).");
        }

        if (version > CurrentVersion)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.UnsupportedVersion, $"The {what} has version {version}, newer than this library's 4.");
        }
    }
}
