namespace E2EMessaging.Protocol.Spqr;

/// <summary>
/// One message of the ML-KEM Braid: the sender's epoch and a payload (<see cref="BraidPayloadKind"/>), usually
/// one erasure-coded chunk. It travels inside a Signal message, together with the message's index in its chain.
/// </summary>
/// <remarks>
/// Wire format (SPQR v1.5.3, facts for interoperability):
/// <code>
/// version    1 byte, 1
/// epoch      varint (LEB128: 7 bits per byte, least significant first, high bit = more), at most 10 bytes, not 0
/// index      varint, at most 10 bytes, must fit 32 bits
/// type       1 byte, 0..6 (BraidPayloadKind)
/// for the kinds with a chunk:
///   chunk index  varint, at most 65535
///   chunk data   32 bytes
/// </code>
/// Bytes after the message are ignored, as the crate ignores them (room for later versions). A tenth varint byte
/// contributes only its lowest bit, the rest is dropped, as in the crate. Anything else that does not fit this
/// layout is rejected with <see cref="ProtocolException"/> (<see cref="ProtocolErrorKind.InvalidMessage"/>).
/// </remarks>
internal sealed class BraidMessage
{
    /// <summary>The version byte of this format.</summary>
    public const byte Version = 1;

    /// <summary>Longest serialized message: version, two 10-byte varints, type, 3-byte chunk index, 32 bytes.</summary>
    public const int MaxLength = 1 + 10 + 10 + 1 + 3 + ErasureChunk.DataLength;

    private const int MaxVarintLength = 10;

    private readonly ErasureChunk _chunk;

    private BraidMessage(ulong epoch, BraidPayloadKind kind, ErasureChunk chunk)
    {
        Epoch = epoch;
        Kind = kind;
        _chunk = chunk;
    }

    /// <summary>The sender's epoch (at least 1).</summary>
    public ulong Epoch { get; }

    public BraidPayloadKind Kind { get; }

    /// <summary>Whether <see cref="Kind"/> carries a chunk.</summary>
    public bool HasChunk => CarriesChunk(Kind);

    /// <summary>The chunk of a kind that carries one.</summary>
    /// <exception cref="InvalidOperationException">The kind carries no chunk.</exception>
    public ErasureChunk Chunk => HasChunk ? _chunk : throw new InvalidOperationException($"A {Kind} message carries no chunk.");

    /// <summary>A message of a kind without a chunk (<see cref="BraidPayloadKind.None"/> or <see cref="BraidPayloadKind.Ct1Ack"/>).</summary>
    public static BraidMessage Create(ulong epoch, BraidPayloadKind kind)
    {
        if (CarriesChunk(kind) || !Enum.IsDefined(kind))
        {
            ThrowHelper.Argument(nameof(kind), "This kind needs a chunk.");
        }

        return new BraidMessage(CheckEpoch(epoch), kind, default);
    }

    /// <summary>A message of a kind that carries a chunk.</summary>
    public static BraidMessage Create(ulong epoch, BraidPayloadKind kind, in ErasureChunk chunk)
    {
        if (!CarriesChunk(kind))
        {
            ThrowHelper.Argument(nameof(kind), "This kind carries no chunk.");
        }

        return new BraidMessage(CheckEpoch(epoch), kind, chunk);
    }

    /// <summary>The wire bytes, with the index of the Signal message that carries this one.</summary>
    public byte[] Serialize(uint index)
    {
        Span<byte> buffer = stackalloc byte[MaxLength];
        int length = 0;
        buffer[length++] = Version;
        length += WriteVarint(Epoch, buffer.Slice(length));
        length += WriteVarint(index, buffer.Slice(length));
        buffer[length++] = (byte)Kind;
        if (HasChunk)
        {
            length += WriteVarint(_chunk.Index, buffer.Slice(length));
            _chunk.Data.CopyTo(buffer.Slice(length));
            length += ErasureChunk.DataLength;
        }

        return buffer.Slice(0, length).ToArray();
    }

    /// <summary>Reads a message and the index that came with it.</summary>
    /// <exception cref="ProtocolException">The bytes are not a version-1 braid message (<see cref="ProtocolErrorKind.InvalidMessage"/>).</exception>
    public static BraidMessage Deserialize(ReadOnlySpan<byte> bytes, out uint index)
    {
        if (bytes.IsEmpty || bytes[0] != Version)
        {
            Throw("version");
        }

        int at = 1;
        ulong epoch = ReadVarint(bytes, ref at);
        if (epoch == 0)
        {
            Throw("epoch");
        }

        ulong wideIndex = ReadVarint(bytes, ref at);
        if (wideIndex > uint.MaxValue)
        {
            Throw("index");
        }

        if (at >= bytes.Length)
        {
            Throw("type");
        }

        var kind = (BraidPayloadKind)bytes[at++];
        if (!Enum.IsDefined(kind))
        {
            Throw("type");
        }

        ErasureChunk chunk = default;
        if (CarriesChunk(kind))
        {
            ulong chunkIndex = ReadVarint(bytes, ref at);
            if (chunkIndex > ushort.MaxValue || bytes.Length - at < ErasureChunk.DataLength)
            {
                Throw("chunk");
            }

            chunk = new ErasureChunk((ushort)chunkIndex, bytes.Slice(at, ErasureChunk.DataLength));
        }

        index = (uint)wideIndex;
        return new BraidMessage(epoch, kind, chunk);
    }

    /// <summary>The kind, epoch and chunk index; chunk data is not secret but is left out as noise.</summary>
    public override string ToString() =>
        HasChunk ? $"{nameof(BraidMessage)}(epoch {Epoch}, {Kind}, chunk {_chunk.Index})" : $"{nameof(BraidMessage)}(epoch {Epoch}, {Kind})";

    private static bool CarriesChunk(BraidPayloadKind kind) =>
        kind is BraidPayloadKind.Header or BraidPayloadKind.EncapsulationKey or BraidPayloadKind.EncapsulationKeyCt1Ack
            or BraidPayloadKind.Ciphertext1 or BraidPayloadKind.Ciphertext2;

    private static ulong CheckEpoch(ulong epoch)
    {
        if (epoch == 0)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(epoch), "Epochs start at 1.");
        }

        return epoch;
    }

    private static int WriteVarint(ulong value, Span<byte> destination)
    {
        int length = 0;
        while (value >= 0x80)
        {
            destination[length++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[length++] = (byte)value;
        return length;
    }

    // Up to ten bytes; bits past 64 are dropped (the crate's rule). Fails on truncation or an eleventh byte.
    private static ulong ReadVarint(ReadOnlySpan<byte> bytes, ref int at)
    {
        ulong value = 0;
        int limit = Math.Min(MaxVarintLength, bytes.Length - at);
        for (int i = 0; i < limit; i++)
        {
            byte b = bytes[at + i];
            value |= (ulong)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                at += i + 1;
                return value;
            }
        }

        Throw("varint");
        return 0;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Throw(string part) =>
        ThrowHelper.Protocol(ProtocolErrorKind.InvalidMessage, $"The SPQR message is malformed ({part}).");
}
