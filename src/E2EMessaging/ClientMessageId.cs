using System.Buffers.Binary;
using System.Globalization;

namespace E2EMessaging;

/// <summary>
/// The id a sender's client gives a message before anything touches the network: 16 bytes, a UUIDv7 (RFC 9562
/// §5.7: 48-bit Unix milliseconds, version 7, 74 random bits). Every retry and resubmit of the message reuses it,
/// and receivers and the relay deduplicate on (sender, id). Ids order by creation time (byte order = time order),
/// which is what read watermarks rely on. Not secret: it prints as the usual UUID text.
/// </summary>
public readonly struct ClientMessageId : IEquatable<ClientMessageId>, IComparable<ClientMessageId>
{
    /// <summary>Length of the binary form in bytes.</summary>
    public const int Length = 16;

    private readonly ulong _high;
    private readonly ulong _low;

    internal ClientMessageId(ulong high, ulong low)
    {
        _high = high;
        _low = low;
    }

    /// <summary>The all-zero id, which no generator returns; it marks "none".</summary>
    public static ClientMessageId Empty => default;

    /// <summary>True for <see cref="Empty"/>.</summary>
    public bool IsEmpty => _high == 0 && _low == 0;

    /// <summary>The Unix time in milliseconds at which the id was generated.</summary>
    public long UnixTimeMilliseconds => (long)(_high >> 16);

    /// <summary>Reads an id from its 16 bytes.</summary>
    /// <exception cref="MessagingException">Not 16 bytes, or not a UUIDv7 (version 7, RFC 9562 variant).</exception>
    public static ClientMessageId FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (!TryFromBytes(bytes, out ClientMessageId id))
        {
            ThrowHelper.Messaging(MessagingErrorKind.InvalidLength, "A client message id is 16 bytes holding a UUIDv7.");
        }

        return id;
    }

    /// <summary>Reads an id from its 16 bytes; false when they are not a UUIDv7.</summary>
    public static bool TryFromBytes(ReadOnlySpan<byte> bytes, out ClientMessageId id)
    {
        id = default;
        if (bytes.Length != Length)
        {
            return false;
        }

        ulong high = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        ulong low = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        if (((high >> 12) & 0xF) != 7 || (low >> 62) != 0b10)
        {
            return false;
        }

        id = new ClientMessageId(high, low);
        return true;
    }

    /// <summary>Writes the 16 bytes into <paramref name="destination"/>.</summary>
    public void WriteBytes(Span<byte> destination)
    {
        if (destination.Length < Length)
        {
            ThrowHelper.Argument(nameof(destination), "The destination must hold 16 bytes.");
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, _high);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _low);
    }

    /// <summary>The 16 bytes.</summary>
    public byte[] ToByteArray()
    {
        byte[] bytes = new byte[Length];
        WriteBytes(bytes);
        return bytes;
    }

    /// <summary>The same 16 bytes as a <see cref="Guid"/> (big-endian, so its text matches <see cref="ToString"/>).</summary>
    public Guid ToGuid() => new(ToByteArray(), bigEndian: true);

    /// <summary>Parses the UUID text form.</summary>
    /// <exception cref="FormatException">Not a UUIDv7 in text form.</exception>
    public static ClientMessageId Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Span<byte> bytes = stackalloc byte[Length];
        if (!Guid.TryParse(text, CultureInfo.InvariantCulture, out Guid guid) || !guid.TryWriteBytes(bytes, bigEndian: true, out _) || !TryFromBytes(bytes, out ClientMessageId id))
        {
            throw new FormatException("Not a UUIDv7.");
        }

        return id;
    }

    /// <inheritdoc />
    public bool Equals(ClientMessageId other) => _high == other._high && _low == other._low;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ClientMessageId other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_high, _low);

    /// <summary>Orders by creation time (then by the random bits): the byte order of the UUIDv7.</summary>
    public int CompareTo(ClientMessageId other) => _high != other._high ? _high.CompareTo(other._high) : _low.CompareTo(other._low);

    /// <summary>The UUID text form, e.g. <c>0190f1c2-…</c>.</summary>
    public override string ToString() => ToGuid().ToString("D", CultureInfo.InvariantCulture);

    /// <summary>Equality.</summary>
    public static bool operator ==(ClientMessageId left, ClientMessageId right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(ClientMessageId left, ClientMessageId right) => !left.Equals(right);

    /// <summary>Created earlier.</summary>
    public static bool operator <(ClientMessageId left, ClientMessageId right) => left.CompareTo(right) < 0;

    /// <summary>Created later.</summary>
    public static bool operator >(ClientMessageId left, ClientMessageId right) => left.CompareTo(right) > 0;

    /// <summary>Created earlier or the same.</summary>
    public static bool operator <=(ClientMessageId left, ClientMessageId right) => left.CompareTo(right) <= 0;

    /// <summary>Created later or the same.</summary>
    public static bool operator >=(ClientMessageId left, ClientMessageId right) => left.CompareTo(right) >= 0;
}
