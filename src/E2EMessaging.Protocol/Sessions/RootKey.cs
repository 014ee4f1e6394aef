using System.Security.Cryptography;
using E2EMessaging.Protocol.Crypto;
using E2EMessaging.Protocol.Keys;

namespace E2EMessaging.Protocol.Sessions;

/// <summary>The Diffie-Hellman ratchet step on the root key (Double Ratchet spec §3.3, libsignal's "WhisperRatchet" label).</summary>
internal static class RootKey
{
    public const int Length = 32;

    private static ReadOnlySpan<byte> Info => "WhisperRatchet"u8;

    /// <summary>
    /// (new root key, chain key) = HKDF(salt = root key, ikm = DH(our ratchet private, their ratchet public), "WhisperRatchet").
    /// </summary>
    public static void CreateChain(ReadOnlySpan<byte> rootKey, PublicKey theirRatchetKey, PrivateKey ourRatchetKey, Span<byte> newRootKey, Span<byte> chainKey)
    {
        Span<byte> shared = stackalloc byte[32];
        Span<byte> output = stackalloc byte[64];
        try
        {
            ourRatchetKey.CalculateAgreement(theirRatchetKey, shared);
            Kdf.Hkdf(shared, rootKey, Info, output);
            output[..32].CopyTo(newRootKey);
            output[32..].CopyTo(chainKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
            CryptographicOperations.ZeroMemory(output);
        }
    }
}
