using System.Collections.Concurrent;
using E2EMessaging.Protocol.Proto.Spqr;
using Google.Protobuf;

namespace E2EMessaging.Protocol.Spqr;

/// <summary>
/// Remembers, per remote address, the SPQR state a session cipher last produced together with its decoded form, so
/// that the next message on that session need not decode the same bytes again. Stores keep records as bytes, so
/// every message would otherwise parse the protobuf state, rebuild the braid and the chain, and throw them away.
/// </summary>
/// <remarks>
/// <para>Correct by construction: an entry is used only when the state bytes handed in are exactly the bytes it
/// was made from (a byte comparison), and then stands for what decoding them gives. Entries for states that were
/// never committed (a message that failed its MAC) are harmless: the stored bytes do not match them.</para>
/// <para>The decoded protobuf state and the braid are immutable once cached; the chain is mutable, so a hit hands
/// out a deep copy. Work on one address is serialized by the session cipher's per-address lock; different
/// addresses use different slots. The cache is bounded: past <see cref="Capacity"/> addresses it starts over.</para>
/// </remarks>
internal sealed class SpqrStateCache
{
    /// <summary>Most addresses remembered at once (each entry holds a few kilobytes of state).</summary>
    public const int Capacity = 512;

    private readonly ConcurrentDictionary<ProtocolAddress, Slot> _slots = new();

    /// <summary>The slot of one remote address.</summary>
    public Slot For(ProtocolAddress address)
    {
        if (_slots.TryGetValue(address, out Slot? slot))
        {
            return slot;
        }

        if (_slots.Count >= Capacity)
        {
            _slots.Clear();
        }

        return _slots.GetOrAdd(address, _ => new Slot());
    }

    /// <summary>One address's last state: its bytes and what they decode to.</summary>
    internal sealed class Slot
    {
        private Entry? _entry;

        /// <summary>The decoded form of <paramref name="state"/>, when it is exactly the state last remembered here.</summary>
        public bool TryGet(ByteString state, out SpqrState decoded, out Braid? braid, out SpqrChain? chain)
        {
            Entry? entry = Volatile.Read(ref _entry);
            if (entry is not null && entry.Bytes.Span.SequenceEqual(state.Span))
            {
                decoded = entry.Decoded;
                braid = entry.Braid;
                chain = entry.Chain?.Clone();
                return true;
            }

            decoded = null!;
            braid = null;
            chain = null;
            return false;
        }

        /// <summary>Remembers <paramref name="bytes"/> and its decoded form; the slot takes <paramref name="chain"/> over (callers must not use or dispose it afterwards).</summary>
        public void Remember(ByteString bytes, SpqrState decoded, Braid? braid, SpqrChain? chain) =>
            Volatile.Write(ref _entry, new Entry(bytes, decoded, braid, chain));

        private sealed record Entry(ByteString Bytes, SpqrState Decoded, Braid? Braid, SpqrChain? Chain)
        {
            // The decoded state holds the ML-KEM decapsulation key and chain keys: never print it.
            public override string ToString() => nameof(Entry);
        }
    }
}
