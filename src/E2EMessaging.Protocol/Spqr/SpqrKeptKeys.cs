using System.Buffers.Binary;
using System.Security.Cryptography;

namespace E2EMessaging.Protocol.Spqr;

/// <summary>
/// The keys an SPQR receiving chain skipped over and keeps for messages that arrive out of order, held in the
/// exact byte layout of the state's <c>prev</c> field: a concatenation of 36-byte entries, each the key's index
/// (big-endian 32 bits) followed by the 32-byte key, in no particular order.
/// </summary>
/// <remarks>
/// The order of entries is part of the serialized state, so it follows SPQR v1.5.3 exactly: a new key is
/// appended; a removed entry is overwritten by the last entry and the buffer shrinks by one entry; trimming is one
/// pass from the front that removes that way and re-examines the slot it just filled.
/// </remarks>
internal sealed class SpqrKeptKeys : IDisposable
{
    public const int IndexLength = 4;

    public const int EntryLength = IndexLength + SpqrChain.KeyLength;

    private byte[] _data;
    private int _length;

    private SpqrKeptKeys(byte[] data, int length)
    {
        _data = data;
        _length = length;
    }

    public SpqrKeptKeys()
        : this([], 0)
    {
    }

    public int Count => _length / EntryLength;

    /// <summary>The serialized form (the <c>prev</c> field).</summary>
    public ReadOnlySpan<byte> Serialized => _data.AsSpan(0, _length);

    /// <summary>
    /// Reads a <c>prev</c> field. Refused (false) unless it is whole entries, at most <paramref name="maxEntries"/>
    /// of them, with distinct indexes from 1 to <paramref name="counter"/> − 1: a chain only ever keeps keys it
    /// skipped, which lie below its counter, and never holds more than its trimming threshold.
    /// </summary>
    public static bool TryLoad(ReadOnlySpan<byte> serialized, uint counter, ulong maxEntries, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SpqrKeptKeys? keys)
    {
        keys = null;
        if (serialized.Length % EntryLength != 0 || (ulong)(serialized.Length / EntryLength) > maxEntries)
        {
            return false;
        }

        var seen = new HashSet<uint>(serialized.Length / EntryLength);
        for (int offset = 0; offset < serialized.Length; offset += EntryLength)
        {
            uint index = BinaryPrimitives.ReadUInt32BigEndian(serialized.Slice(offset, IndexLength));
            if (index == 0 || index >= counter || !seen.Add(index))
            {
                return false;
            }
        }

        keys = new SpqrKeptKeys(serialized.ToArray(), serialized.Length);
        return true;
    }

    public SpqrKeptKeys Clone() => new(Serialized.ToArray(), _length);

    public void Add(uint index, ReadOnlySpan<byte> key)
    {
        EnsureCapacity(_length + EntryLength);
        Span<byte> entry = _data.AsSpan(_length, EntryLength);
        BinaryPrimitives.WriteUInt32BigEndian(entry, index);
        key.CopyTo(entry[IndexLength..]);
        _length += EntryLength;
    }

    /// <summary>Moves the key kept for <paramref name="index"/> into <paramref name="key"/> and forgets it; false if it is not kept.</summary>
    public bool TryTake(uint index, Span<byte> key)
    {
        for (int offset = 0; offset < _length; offset += EntryLength)
        {
            if (BinaryPrimitives.ReadUInt32BigEndian(_data.AsSpan(offset, IndexLength)) == index)
            {
                _data.AsSpan(offset + IndexLength, SpqrChain.KeyLength).CopyTo(key);
                RemoveAt(offset);
                return true;
            }
        }

        return false;
    }

    /// <summary>Forgets every key whose index is below <paramref name="horizon"/>.</summary>
    public void RemoveBelow(uint horizon)
    {
        int offset = 0;
        while (offset < _length)
        {
            if (BinaryPrimitives.ReadUInt32BigEndian(_data.AsSpan(offset, IndexLength)) < horizon)
            {
                RemoveAt(offset); // the last entry now sits here: look at this slot again
            }
            else
            {
                offset += EntryLength;
            }
        }
    }

    public void Clear()
    {
        CryptographicOperations.ZeroMemory(_data.AsSpan(0, _length));
        _length = 0;
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_data);
        _data = [];
        _length = 0;
    }

    private void RemoveAt(int offset)
    {
        int last = _length - EntryLength;
        if (offset < last)
        {
            _data.AsSpan(last, EntryLength).CopyTo(_data.AsSpan(offset, EntryLength));
        }

        CryptographicOperations.ZeroMemory(_data.AsSpan(last, EntryLength));
        _length = last;
    }

    private void EnsureCapacity(int needed)
    {
        if (needed <= _data.Length)
        {
            return;
        }

        var larger = new byte[Math.Max(needed, Math.Max(2 * EntryLength, _data.Length * 2))];
        _data.AsSpan(0, _length).CopyTo(larger);
        CryptographicOperations.ZeroMemory(_data);
        _data = larger;
    }
}
