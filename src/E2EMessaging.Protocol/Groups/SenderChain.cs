using System.Security.Cryptography;
using E2EMessaging.Protocol.Crypto;
using E2EMessaging.Protocol.Proto.Storage;
using Google.Protobuf;

namespace E2EMessaging.Protocol.Groups;

/// <summary>
/// The sender-key chain (libsignal's constants): message key seed = HMAC(chain key, 0x01), next chain key =
/// HMAC(chain key, 0x02), and the message keys are HKDF(seed, "WhisperGroup") → IV (16) ‖ AES key (32).
/// </summary>
internal static class SenderChain
{
    public const int KeyLength = 32;
    public const int MessageKeysLength = 48;

    private static ReadOnlySpan<byte> Info => "WhisperGroup"u8;

    private static ReadOnlySpan<byte> MessageKeySeedInput => [0x01];

    private static ReadOnlySpan<byte> ChainKeySeedInput => [0x02];

    /// <summary>IV ‖ key for a message from its seed.</summary>
    public static void MessageKeys(ReadOnlySpan<byte> seed, Span<byte> ivAndKey) => Kdf.Hkdf(seed, [], Info, ivAndKey[..MessageKeysLength]);

    /// <summary>
    /// The message key seed for <paramref name="iteration"/>, advancing the state's chain past it and keeping the
    /// seeds it skips (at most 2,000, oldest dropped first); a past iteration takes its kept seed or is a duplicate.
    /// </summary>
    public static void ConsumeSeed(SenderKeyStateStructure state, uint iteration, Span<byte> seed)
    {
        SenderKeyStateStructure.Types.SenderChainKey chain = state.SenderChainKey
            ?? ThrowHelper.Protocol<SenderKeyStateStructure.Types.SenderChainKey>(ProtocolErrorKind.InvalidEncoding, "The sender key state has no chain key.");
        if (chain.Seed.Length != KeyLength)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidEncoding, "The sender chain key is corrupt.");
        }

        if (chain.Iteration > iteration)
        {
            for (int i = 0; i < state.SenderMessageKeys.Count; i++)
            {
                if (state.SenderMessageKeys[i].Iteration == iteration)
                {
                    ByteString kept = state.SenderMessageKeys[i].Seed;
                    state.SenderMessageKeys.RemoveAt(i);
                    if (kept.Length != KeyLength)
                    {
                        ThrowHelper.Protocol(ProtocolErrorKind.InvalidEncoding, "A skipped sender message key is corrupt.");
                    }

                    kept.Span.CopyTo(seed);
                    return;
                }
            }

            ThrowHelper.Protocol(ProtocolErrorKind.DuplicateMessage, $"Group message {iteration} was already received (or its key was dropped).");
        }

        uint jump = iteration - chain.Iteration;
        if (jump > Limits.MaxForwardJumps)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.MessageTooFarAhead, $"The group message is {jump} ahead of its chain; at most {Limits.MaxForwardJumps} are allowed.");
        }

        Span<byte> current = stackalloc byte[KeyLength];
        Span<byte> next = stackalloc byte[KeyLength];
        try
        {
            chain.Seed.Span.CopyTo(current);
            uint firstKept = jump > Limits.MaxSkippedMessageKeys ? iteration - (uint)Limits.MaxSkippedMessageKeys : chain.Iteration;
            int dropFromOld = Math.Max(0, state.SenderMessageKeys.Count + (int)(iteration - firstKept) - Limits.MaxSkippedMessageKeys);
            for (int i = 0; i < dropFromOld && state.SenderMessageKeys.Count > 0; i++)
            {
                state.SenderMessageKeys.RemoveAt(0);
            }

            for (uint index = chain.Iteration; index < iteration; index++)
            {
                if (index >= firstKept)
                {
                    Kdf.HmacSha256(current, MessageKeySeedInput, seed);
                    state.SenderMessageKeys.Add(new SenderKeyStateStructure.Types.SenderMessageKey { Iteration = index, Seed = ByteString.CopyFrom(seed) });
                }

                Kdf.HmacSha256(current, ChainKeySeedInput, next);
                next.CopyTo(current);
            }

            Kdf.HmacSha256(current, MessageKeySeedInput, seed);
            Kdf.HmacSha256(current, ChainKeySeedInput, next);
            state.SenderChainKey = new SenderKeyStateStructure.Types.SenderChainKey { Iteration = iteration + 1, Seed = ByteString.CopyFrom(next) };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(current);
            CryptographicOperations.ZeroMemory(next);
        }
    }

    /// <summary>The sending side: the seed for the chain's current iteration, then the chain advances by one.</summary>
    public static uint NextSendingSeed(SenderKeyStateStructure state, Span<byte> seed)
    {
        SenderKeyStateStructure.Types.SenderChainKey chain = state.SenderChainKey
            ?? ThrowHelper.Protocol<SenderKeyStateStructure.Types.SenderChainKey>(ProtocolErrorKind.InvalidEncoding, "The sender key state has no chain key.");
        if (chain.Seed.Length != KeyLength)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidEncoding, "The sender chain key is corrupt.");
        }

        if (chain.Iteration == uint.MaxValue)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidEncoding, "The sender chain is exhausted; rotate the sender key.");
        }

        Span<byte> next = stackalloc byte[KeyLength];
        Kdf.HmacSha256(chain.Seed.Span, MessageKeySeedInput, seed);
        Kdf.HmacSha256(chain.Seed.Span, ChainKeySeedInput, next);
        uint iteration = chain.Iteration;
        state.SenderChainKey = new SenderKeyStateStructure.Types.SenderChainKey { Iteration = iteration + 1, Seed = ByteString.CopyFrom(next) };
        CryptographicOperations.ZeroMemory(next);
        return iteration;
    }
}
