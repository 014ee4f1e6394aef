using System.Security.Cryptography;

namespace E2EMessaging.Protocol.Crypto;

/// <summary>X25519 (RFC 7748) through libsodium.</summary>
internal static unsafe class X25519
{
    public const int KeyLength = 32;

    /// <summary>Clamps a scalar as RFC 7748 does: clear the low three bits and bit 255, set bit 254.</summary>
    public static void Clamp(Span<byte> scalar)
    {
        scalar[0] &= 248;
        scalar[31] &= 127;
        scalar[31] |= 64;
    }

    public static void DerivePublicKey(ReadOnlySpan<byte> privateKey, Span<byte> publicKey)
    {
        Sodium.EnsureInitialized();
        fixed (byte* q = publicKey)
        fixed (byte* n = privateKey)
        {
            if (Sodium.crypto_scalarmult_curve25519_base(q, n) != 0)
            {
                ThrowHelper.Protocol(ProtocolErrorKind.InvalidKey, "The private key is zero.");
            }
        }
    }

    /// <summary>
    /// Computes the shared secret. Returns false when libsodium refuses the peer's key as a low-order point
    /// (the result would be all zeros); the shared secret is then zeroed.
    /// </summary>
    public static bool TryAgree(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> publicKey, Span<byte> sharedSecret)
    {
        Sodium.EnsureInitialized();
        int rc;
        fixed (byte* q = sharedSecret)
        fixed (byte* n = privateKey)
        fixed (byte* p = publicKey)
        {
            rc = Sodium.crypto_scalarmult_curve25519(q, n, p);
        }

        if (rc != 0)
        {
            CryptographicOperations.ZeroMemory(sharedSecret);
            return false;
        }

        return true;
    }
}
