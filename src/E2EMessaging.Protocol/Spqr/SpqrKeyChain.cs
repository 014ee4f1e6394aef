using System.Buffers.Binary;
using System.Security.Cryptography;
using E2EMessaging.Protocol.Crypto;
using E2EMessaging.Protocol.Proto.Spqr;
using Google.Protobuf;

namespace E2EMessaging.Protocol.Spqr;

/// <summary>
/// One direction (sending or receiving) of one SPQR epoch: a counter, the chain key for the next step and, when
/// receiving, the keys skipped over (<see cref="SpqrKeptKeys"/>).
/// </summary>
/// <remarks>
/// Step n (n = 1, 2, ...) sets the counter to n and computes
/// HKDF-SHA256(salt = 32 zero bytes, ikm = chain key, info = BE32(n) ‖ "Signal PQ Ratchet V1 Chain Next", 64 bytes):
/// the first 32 bytes replace the chain key, the last 32 are message key n. Key 0 does not exist.
/// </remarks>
internal sealed class SpqrKeyChain : IDisposable
{
    private static ReadOnlySpan<byte> NextLabel => "Signal PQ Ratchet V1 Chain Next"u8;

    // Null once a sending chain of an epoch before the send epoch is cleared (the crate stores it as empty bytes).
    private byte[]? _next;
    private readonly SpqrKeptKeys _kept;

    private SpqrKeyChain(uint counter, byte[]? next, SpqrKeptKeys kept)
    {
        Counter = counter;
        _next = next;
        _kept = kept;
    }

    /// <summary>The index of the last key this chain produced (0 before the first).</summary>
    public uint Counter { get; private set; }

    public static SpqrKeyChain Create(ReadOnlySpan<byte> chainKey) => new(0, chainKey.ToArray(), new SpqrKeptKeys());

    /// <summary>
    /// Reads one direction of a stored epoch. A receiving chain always has its 32-byte chain key; a sending chain
    /// has it or, once cleared, none. Refused as <see cref="ProtocolErrorKind.InvalidEncoding"/> otherwise, or when
    /// the kept keys are malformed (see <see cref="SpqrKeptKeys.TryLoad"/>).
    /// </summary>
    public static SpqrKeyChain FromProto(ChainState.Types.Epoch.Types.Direction? state, bool receiving, SpqrChainLimits limits)
    {
        if (state is null)
        {
            return ThrowHelper.Protocol<SpqrKeyChain>(ProtocolErrorKind.InvalidEncoding, "An SPQR chain epoch lacks one of its directions.");
        }

        int nextLength = state.Next.Length;
        if (nextLength != SpqrChain.KeyLength && (receiving || nextLength != 0))
        {
            return ThrowHelper.Protocol<SpqrKeyChain>(ProtocolErrorKind.InvalidEncoding, "An SPQR chain key has the wrong length.");
        }

        if (!SpqrKeptKeys.TryLoad(state.Prev.Span, state.Counter, limits.TrimThreshold, out SpqrKeptKeys? kept))
        {
            return ThrowHelper.Protocol<SpqrKeyChain>(ProtocolErrorKind.InvalidEncoding, "An SPQR chain's kept keys are malformed.");
        }

        return new SpqrKeyChain(state.Counter, nextLength == 0 ? null : state.Next.ToByteArray(), kept);
    }

    public ChainState.Types.Epoch.Types.Direction ToProto() => new()
    {
        Counter = Counter,
        Next = _next is null ? ByteString.Empty : ByteString.CopyFrom(_next),
        Prev = ByteString.CopyFrom(_kept.Serialized),
    };

    public SpqrKeyChain Clone() => new(Counter, (byte[]?)_next?.Clone(), _kept.Clone());

    /// <summary>Whether <see cref="NextKey"/> can run: the chain key is there and the counter is not exhausted.</summary>
    public bool CanAdvance => _next is not null && Counter < uint.MaxValue;

    /// <summary>The next key and its index (the counter after the step). Call only when <see cref="CanAdvance"/>.</summary>
    public (uint Index, byte[] Key) NextKey()
    {
        var key = new byte[SpqrChain.KeyLength];
        Step(key);
        return (Counter, key);
    }

    /// <summary>
    /// The key at <paramref name="index"/> for a received message, following SPQR v1.5.3:
    /// <list type="bullet">
    /// <item>ahead of the counter by at most <see cref="SpqrChainLimits.MaxJump"/>: the chain steps forward to it,
    /// keeping each skipped key that is within <see cref="SpqrChainLimits.MaxOutOfOrderKeys"/> of the new counter
    /// (and dropping every kept key when the jump is longer than that); once the kept keys reach
    /// <see cref="SpqrChainLimits.TrimThreshold"/>, those below (new counter − 1 − MaxOutOfOrderKeys) are dropped;</item>
    /// <item>further ahead: <see cref="ProtocolErrorKind.MessageTooFarAhead"/>;</item>
    /// <item>at or behind the counter: the kept key, which is then forgotten; if it is not kept (already used,
    /// index 0, or older than the counter − MaxOutOfOrderKeys) <see cref="ProtocolErrorKind.DuplicateMessage"/>.</item>
    /// </list>
    /// A refused request leaves the chain unchanged.
    /// </summary>
    public byte[] KeyAt(uint index, SpqrChainLimits limits)
    {
        if (index <= Counter)
        {
            return KeptKey(index, limits);
        }

        if (index - Counter > limits.MaxJump)
        {
            return ThrowHelper.Protocol<byte[]>(ProtocolErrorKind.MessageTooFarAhead, $"The SPQR key {index} is {index - Counter} ahead of its chain; at most {limits.MaxJump} are allowed.");
        }

        if (_next is null)
        {
            return ThrowHelper.Protocol<byte[]>(ProtocolErrorKind.InvalidEncoding, "The SPQR chain has no chain key left.");
        }

        if (index > (ulong)Counter + limits.MaxOutOfOrderKeys)
        {
            _kept.Clear(); // everything kept is about to be too old
        }

        Span<byte> skipped = stackalloc byte[SpqrChain.KeyLength];
        try
        {
            while (index > Counter + 1)
            {
                Step(skipped);
                if ((ulong)Counter + limits.MaxOutOfOrderKeys >= index)
                {
                    _kept.Add(Counter, skipped);
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(skipped);
        }

        if ((ulong)_kept.Count >= limits.TrimThreshold && Counter >= limits.MaxOutOfOrderKeys)
        {
            _kept.RemoveBelow(Counter - limits.MaxOutOfOrderKeys);
        }

        var key = new byte[SpqrChain.KeyLength];
        Step(key);
        return key;
    }

    /// <summary>Forgets the chain key (a sending chain of an epoch we no longer send in).</summary>
    public void ClearNext()
    {
        if (_next is not null)
        {
            CryptographicOperations.ZeroMemory(_next);
            _next = null;
        }
    }

    public void Dispose()
    {
        ClearNext();
        _kept.Dispose();
    }

    private byte[] KeptKey(uint index, SpqrChainLimits limits)
    {
        if ((ulong)index + limits.MaxOutOfOrderKeys < Counter)
        {
            return ThrowHelper.Protocol<byte[]>(ProtocolErrorKind.DuplicateMessage, $"The SPQR key {index} is too old; its key was dropped.");
        }

        var key = new byte[SpqrChain.KeyLength];
        if (!_kept.TryTake(index, key))
        {
            return ThrowHelper.Protocol<byte[]>(ProtocolErrorKind.DuplicateMessage, $"The SPQR key {index} was already used.");
        }

        return key;
    }

    private void Step(Span<byte> key)
    {
        byte[] next = _next!;
        Counter++;
        Span<byte> info = stackalloc byte[sizeof(uint) + NextLabel.Length];
        BinaryPrimitives.WriteUInt32BigEndian(info, Counter);
        NextLabel.CopyTo(info[sizeof(uint)..]);
        Span<byte> output = stackalloc byte[2 * SpqrChain.KeyLength];
        try
        {
            Kdf.Hkdf(next, SpqrChain.ZeroSalt, info, output);
            output[..SpqrChain.KeyLength].CopyTo(next);
            output[SpqrChain.KeyLength..].CopyTo(key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(output);
        }
    }
}
