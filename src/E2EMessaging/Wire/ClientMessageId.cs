using System.Buffers.Binary;
using E2EMessaging.Protocol;

namespace E2EMessaging.Wire;

/// <summary>
/// The sender's id for one message: a UUIDv7 (RFC 9562: 48-bit Unix milliseconds, then random bits), assigned
/// before anything touches the network and reused by every retry, so that the relay and every recipient can
/// deduplicate on (sender device, ClientMessageId). On the wire it is the UUID's 16 bytes in network order.
/// </summary>
public readonly struct ClientMessageId : IEquatable<ClientMessageId>, IComparable<ClientMessageId>
{
    private readonly Guid _value;

    private ClientMessageId(Guid value) => _value = value;

    /// <summary>The id as a <see cref="Guid"/> (its string form is the UUID's canonical text).</summary>
    public Guid Value => _value;

    /// <summary>Whether this is the default (all-zero) value, which is never a valid id.</summary>
    public bool IsEmpty => _value == Guid.Empty;

    /// <summary>The Unix-millisecond timestamp in the id's first 48 bits.</summary>
    public DateTimeOffset Timestamp
    {
        get
        {
            Span<byte> bytes = stackalloc byte[WireLimits.ClientMessageIdLength];
            WriteTo(bytes);
            long milliseconds = (long)(BinaryPrimitives.ReadUInt64BigEndian(bytes) >> 16);
            return DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        }
    }

    /// <summary>A new UUIDv7 from the given clock and randomness.</summary>
    public static ClientMessageId New(TimeProvider timeProvider, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(random);
        Span<byte> bytes = stackalloc byte[WireLimits.ClientMessageIdLength];
        random.Fill(bytes[6..]);
        ulong milliseconds = (ulong)Math.Max(0, timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        bytes[0] = (byte)(milliseconds >> 40);
        bytes[1] = (byte)(milliseconds >> 32);
        bytes[2] = (byte)(milliseconds >> 24);
        bytes[3] = (byte)(milliseconds >> 16);
        bytes[4] = (byte)(milliseconds >> 8);
        bytes[5] = (byte)milliseconds;
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F)); // version 7
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F)); // variant 10
        return new ClientMessageId(new Guid(bytes, bigEndian: true));
    }

    /// <summary>Reads an id from its 16 wire bytes.</summary>
    /// <exception cref="MessagingException">Not 16 bytes, or not a version-7 RFC 9562 UUID (<see cref="MessagingErrorKind.InvalidEncoding"/>).</exception>
    public static ClientMessageId FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (!TryFromBytes(bytes, out ClientMessageId id))
        {
            WireThrow.Invalid($"A ClientMessageId is a 16-byte UUIDv7; got {bytes.Length} bytes{(bytes.Length == WireLimits.ClientMessageIdLength ? " of another UUID version" : string.Empty)}.");
        }

        return id;
    }

    /// <summary>Reads an id from its 16 wire bytes; false when they are not a version-7 RFC 9562 UUID.</summary>
    public static bool TryFromBytes(ReadOnlySpan<byte> bytes, out ClientMessageId id)
    {
        if (bytes.Length != WireLimits.ClientMessageIdLength || (bytes[6] >> 4) != 7 || (bytes[8] & 0xC0) != 0x80)
        {
            id = default;
            return false;
        }

        id = new ClientMessageId(new Guid(bytes, bigEndian: true));
        return true;
    }

    /// <summary>The 16 wire bytes.</summary>
    public byte[] ToByteArray()
    {
        var bytes = new byte[WireLimits.ClientMessageIdLength];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>Writes the 16 wire bytes.</summary>
    public void WriteTo(Span<byte> destination)
    {
        if (!_value.TryWriteBytes(destination, bigEndian: true, out _))
        {
            throw new ArgumentException("The destination needs 16 bytes.", nameof(destination));
        }
    }

    /// <inheritdoc />
    public bool Equals(ClientMessageId other) => _value == other._value;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ClientMessageId other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _value.GetHashCode();

    /// <summary>Orders ids by their bytes, which for UUIDv7 is creation order to the millisecond.</summary>
    public int CompareTo(ClientMessageId other)
    {
        Span<byte> a = stackalloc byte[WireLimits.ClientMessageIdLength];
        Span<byte> b = stackalloc byte[WireLimits.ClientMessageIdLength];
        WriteTo(a);
        other.WriteTo(b);
        return a.SequenceCompareTo(b);
    }

    /// <summary>The UUID's canonical text.</summary>
    public override string ToString() => _value.ToString();

    /// <summary>Equality.</summary>
    public static bool operator ==(ClientMessageId left, ClientMessageId right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(ClientMessageId left, ClientMessageId right) => !left.Equals(right);

    /// <summary>Byte order.</summary>
    public static bool operator <(ClientMessageId left, ClientMessageId right) => left.CompareTo(right) < 0;

    /// <summary>Byte order.</summary>
    public static bool operator >(ClientMessageId left, ClientMessageId right) => left.CompareTo(right) > 0;

    /// <summary>Byte order.</summary>
    public static bool operator <=(ClientMessageId left, ClientMessageId right) => left.CompareTo(right) <= 0;

    /// <summary>Byte order.</summary>
    public static bool operator >=(ClientMessageId left, ClientMessageId right) => left.CompareTo(right) >= 0;
}
