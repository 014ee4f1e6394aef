using System.Security.Cryptography;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.Proto.Storage;
using Google.Protobuf;
using Chain = E2EMessaging.Protocol.Proto.Storage.SessionStructure.Types.Chain;

namespace E2EMessaging.Protocol.Sessions;

/// <summary>The receiving side of the Double Ratchet: receiver chains, the DH step, skipped message keys.</summary>
internal sealed partial class SessionState
{
    /// <summary>
    /// The message key seed for <paramref name="counter"/> on the chain of <paramref name="theirRatchetKey"/>,
    /// stepping the DH ratchet first when that key is new. Old records may hold derived keys instead of a seed;
    /// those come back in <paramref name="legacyKeys"/> (80 bytes) with the method returning false.
    /// </summary>
    /// <returns>True when <paramref name="seed"/> holds a seed; false when <paramref name="legacyKeys"/> holds derived keys.</returns>
    internal bool ConsumeMessageKey(PublicKey theirRatchetKey, uint counter, int maxForwardJumps, IRandomSource random, Span<byte> seed, Span<byte> legacyKeys)
    {
        int chainIndex = FindReceiverChain(theirRatchetKey);
        if (chainIndex < 0)
        {
            chainIndex = StepDhRatchet(theirRatchetKey, random);
        }

        Chain chain = Structure.ReceiverChains[chainIndex];
        Chain.Types.ChainKey chainKey = chain.ChainKey ?? ThrowHelper.Protocol<Chain.Types.ChainKey>(ProtocolErrorKind.InvalidEncoding, "A receiving chain has no chain key.");
        if (chainKey.Key.Length != ChainKey.Length)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidEncoding, "A receiving chain key is corrupt.");
        }

        if (chainKey.Index > counter)
        {
            return TakeSkippedKey(chain, counter, seed, legacyKeys);
        }

        uint jump = counter - chainKey.Index;
        if (jump > (uint)maxForwardJumps)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.MessageTooFarAhead, $"The message is {jump} ahead of its chain; at most {maxForwardJumps} are allowed.");
        }

        Span<byte> current = stackalloc byte[ChainKey.Length];
        Span<byte> next = stackalloc byte[ChainKey.Length];
        try
        {
            chainKey.Key.Span.CopyTo(current);
            uint index = chainKey.Index;
            if (index < counter)
            {
                StoreSkippedKeys(chain, current, index, counter);
            }

            ChainKey.MessageKeySeed(current, seed);
            ChainKey.Next(current, next);
            chain.ChainKey = new Chain.Types.ChainKey { Index = counter + 1, Key = ByteString.CopyFrom(next) };
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(current);
            CryptographicOperations.ZeroMemory(next);
        }
    }

    internal int FindReceiverChain(PublicKey theirRatchetKey)
    {
        ReadOnlySpan<byte> wanted = theirRatchetKey.SerializedSpan;
        for (int i = 0; i < Structure.ReceiverChains.Count; i++)
        {
            if (Structure.ReceiverChains[i].SenderRatchetKey.Span.SequenceEqual(wanted))
            {
                return i;
            }
        }

        return -1;
    }

    internal void AddReceiverChain(PublicKey theirRatchetKey, ReadOnlySpan<byte> chainKey)
    {
        Structure.ReceiverChains.Add(new Chain
        {
            SenderRatchetKey = ByteString.CopyFrom(theirRatchetKey.SerializedSpan),
            ChainKey = new Chain.Types.ChainKey { Index = 0, Key = ByteString.CopyFrom(chainKey) },
        });
        while (Structure.ReceiverChains.Count > Limits.MaxReceiverChains)
        {
            Structure.ReceiverChains.RemoveAt(0);
        }
    }

    /// <summary>
    /// The DH ratchet step (Double Ratchet §3.5): a receiving chain from DH(our ratchet, their new key), then a
    /// fresh ratchet key pair and a sending chain from DH(new pair, their key). Returns the new chain's index.
    /// </summary>
    private int StepDhRatchet(PublicKey theirRatchetKey, IRandomSource random)
    {
        Span<byte> root1 = stackalloc byte[RootKey.Length];
        Span<byte> receivingChain = stackalloc byte[ChainKey.Length];
        Span<byte> root2 = stackalloc byte[RootKey.Length];
        Span<byte> sendingChain = stackalloc byte[ChainKey.Length];
        try
        {
            using (PrivateKey ourRatchetKey = SenderRatchetPrivateKey())
            {
                RootKey.CreateChain(RootKeyBytes, theirRatchetKey, ourRatchetKey, root1, receivingChain);
            }

            using EcKeyPair newRatchetKey = EcKeyPair.Generate(random);
            RootKey.CreateChain(root1, theirRatchetKey, newRatchetKey.PrivateKey, root2, sendingChain);

            uint senderIndex = SenderChainIndex;
            SetPreviousCounter(senderIndex == 0 ? 0 : senderIndex - 1);
            SetRootKey(root2);
            AddReceiverChain(theirRatchetKey, receivingChain);
            SetSenderChain(newRatchetKey, sendingChain);
            return Structure.ReceiverChains.Count - 1;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(root1);
            CryptographicOperations.ZeroMemory(receivingChain);
            CryptographicOperations.ZeroMemory(root2);
            CryptographicOperations.ZeroMemory(sendingChain);
        }
    }

    /// <summary>
    /// Keeps the seeds of the indices from <paramref name="from"/> up to (not including) <paramref name="to"/>,
    /// newest first, and at most <see cref="Limits.MaxSkippedMessageKeys"/> per chain (the oldest go first).
    /// <paramref name="chainKey"/> comes in at index <paramref name="from"/> and leaves at index <paramref name="to"/>.
    /// </summary>
    private static void StoreSkippedKeys(Chain chain, Span<byte> chainKey, uint from, uint to)
    {
        int keep = (int)Math.Min(to - from, (uint)Limits.MaxSkippedMessageKeys);
        uint firstKept = to - (uint)keep;
        var fresh = new Chain.Types.MessageKey[keep];
        Span<byte> current = chainKey;
        Span<byte> next = stackalloc byte[ChainKey.Length];
        Span<byte> seed = stackalloc byte[MessageKeys.SeedLength];
        try
        {
            for (uint index = from; index < to; index++)
            {
                if (index >= firstKept)
                {
                    ChainKey.MessageKeySeed(current, seed);
                    fresh[keep - 1 - (int)(index - firstKept)] = new Chain.Types.MessageKey { Index = index, Seed = ByteString.CopyFrom(seed) };
                }

                ChainKey.Next(current, next);
                next.CopyTo(current);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(next);
            CryptographicOperations.ZeroMemory(seed);
        }

        var merged = new List<Chain.Types.MessageKey>(Math.Min(Limits.MaxSkippedMessageKeys, keep + chain.MessageKeys.Count));
        merged.AddRange(fresh);
        for (int i = 0; i < chain.MessageKeys.Count && merged.Count < Limits.MaxSkippedMessageKeys; i++)
        {
            merged.Add(chain.MessageKeys[i]);
        }

        chain.MessageKeys.Clear();
        chain.MessageKeys.AddRange(merged);
    }

    private static bool TakeSkippedKey(Chain chain, uint counter, Span<byte> seed, Span<byte> legacyKeys)
    {
        for (int i = 0; i < chain.MessageKeys.Count; i++)
        {
            Chain.Types.MessageKey key = chain.MessageKeys[i];
            if (key.Index != counter)
            {
                continue;
            }

            chain.MessageKeys.RemoveAt(i);
            if (!key.Seed.IsEmpty)
            {
                if (key.Seed.Length != MessageKeys.SeedLength)
                {
                    ThrowHelper.Protocol(ProtocolErrorKind.InvalidEncoding, "A skipped message key seed is corrupt.");
                }

                key.Seed.Span.CopyTo(seed);
                return true;
            }

            if (key.CipherKey.Length != 32 || key.MacKey.Length != 32 || key.Iv.Length != 16)
            {
                ThrowHelper.Protocol(ProtocolErrorKind.InvalidEncoding, "A skipped message key is corrupt.");
            }

            key.CipherKey.Span.CopyTo(legacyKeys);
            key.MacKey.Span.CopyTo(legacyKeys[32..]);
            key.Iv.Span.CopyTo(legacyKeys[64..]);
            return false;
        }

        return ThrowHelper.Protocol<bool>(ProtocolErrorKind.DuplicateMessage, $"Message {counter} was already received (or its key was dropped).");
    }
}
