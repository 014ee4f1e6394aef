using E2EMessaging.Protocol.Crypto;

namespace E2EMessaging.Protocol.Sessions;

/// <summary>
/// The symmetric-key ratchet of one chain (Double Ratchet spec §2.2 with libsignal's constants): the message
/// key seed is HMAC-SHA256(chain key, 0x01) and the next chain key is HMAC-SHA256(chain key, 0x02).
/// </summary>
internal static class ChainKey
{
    public const int Length = 32;

    private static ReadOnlySpan<byte> MessageKeySeedInput => [0x01];

    private static ReadOnlySpan<byte> ChainKeySeedInput => [0x02];

    /// <summary>The seed from which this index's message keys are derived (with the SPQR key as salt, when there is one).</summary>
    public static void MessageKeySeed(ReadOnlySpan<byte> chainKey, Span<byte> seed) => Kdf.HmacSha256(chainKey, MessageKeySeedInput, seed);

    /// <summary>The chain key for the next index.</summary>
    public static void Next(ReadOnlySpan<byte> chainKey, Span<byte> next) => Kdf.HmacSha256(chainKey, ChainKeySeedInput, next);
}
