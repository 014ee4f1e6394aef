using System.Buffers;
using System.Security.Cryptography;

namespace E2EMessaging.Protocol.Crypto;

/// <summary>
/// XEdDSA over Curve25519 (signal.org/docs/specifications/xeddsa) in libsignal's variant: the signer does not
/// force the Edwards public key's sign bit to zero; it sends that bit in the otherwise unused top bit of
/// signature byte 63, and the verifier uses it to pick the Edwards point for the Montgomery key.
/// </summary>
/// <remarks>
/// Signing touches the private scalar only through libsodium's constant-time scalar and base-point
/// primitives. Verification converts the public Montgomery u to Edwards y in managed code (public data only)
/// and then runs libsodium's Ed25519 verification, which is stricter than libsignal's in two ways honest
/// signers never meet: it refuses a non-canonical s (s ≥ L) and small-order R or A.
/// </remarks>
internal static unsafe class XEdDsa
{
    public const int SignatureLength = 64;
    public const int RandomLength = 64;

    /// <summary>Above this message size the hash input is rented from the pool instead of the stack.</summary>
    private const int StackLimit = 1024;

    /// <summary>
    /// The Edwards public key A = (k mod L)·B that signatures carry the sign of (public data, so a key may cache it
    /// and pass it to <see cref="Sign"/>).
    /// </summary>
    public static void DeriveEdwardsPublicKey(ReadOnlySpan<byte> privateKey, Span<byte> edwardsPublicKey)
    {
        Sodium.EnsureInitialized();
        Span<byte> wide = stackalloc byte[64];
        Span<byte> a = stackalloc byte[32];
        try
        {
            fixed (byte* pWide = wide)
            fixed (byte* pA = a)
            fixed (byte* pEd = edwardsPublicKey)
            {
                privateKey.CopyTo(wide);
                wide[32..].Clear();
                Sodium.crypto_core_ed25519_scalar_reduce(pA, pWide);
                Sodium.crypto_scalarmult_ed25519_base_noclamp(pEd, pA);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(wide);
            CryptographicOperations.ZeroMemory(a);
        }
    }

    /// <summary>
    /// Signs <paramref name="message"/> with the clamped X25519 private key, its Edwards public key (from
    /// <see cref="DeriveEdwardsPublicKey"/>) and 64 random bytes.
    /// </summary>
    public static void Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> edwardsPublicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> random, Span<byte> signature)
    {
        if (privateKey.Length != 32 || edwardsPublicKey.Length != 32 || random.Length != RandomLength || signature.Length != SignatureLength)
        {
            ThrowHelper.Argument(nameof(signature), "XEdDSA takes a 32-byte key, its 32-byte Edwards public key, 64 random bytes and a 64-byte output.");
        }

        Sodium.EnsureInitialized();
        Span<byte> wide = stackalloc byte[64];
        Span<byte> a = stackalloc byte[32];
        Span<byte> r = stackalloc byte[32];
        Span<byte> bigR = stackalloc byte[32];
        Span<byte> h = stackalloc byte[32];
        Span<byte> ha = stackalloc byte[32];
        Span<byte> s = stackalloc byte[32];

        int inputLength = 64 + message.Length + 64;
        byte[]? rented = inputLength > StackLimit ? ArrayPool<byte>.Shared.Rent(inputLength) : null;
        Span<byte> input = rented is null ? stackalloc byte[inputLength] : rented.AsSpan(0, inputLength);
        try
        {
            fixed (byte* pWide = wide)
            fixed (byte* pA = a)
            fixed (byte* pR = r)
            fixed (byte* pBigR = bigR)
            fixed (byte* pH = h)
            fixed (byte* pHa = ha)
            fixed (byte* pS = s)
            {
                // a = k mod L; A = a·B was computed by the caller (the same point as the Montgomery key, with its own sign).
                privateKey.CopyTo(wide);
                wide[32..].Clear();
                Sodium.crypto_core_ed25519_scalar_reduce(pA, pWide);
                byte signBit = (byte)(edwardsPublicKey[31] & 0x80);

                // r = SHA-512(0xFE || 0xFF×31 || k || M || Z) mod L
                input[0] = 0xFE;
                input[1..32].Fill(0xFF);
                privateKey.CopyTo(input[32..]);
                message.CopyTo(input[64..]);
                random.CopyTo(input[(64 + message.Length)..]);
                SHA512.HashData(input, wide);
                Sodium.crypto_core_ed25519_scalar_reduce(pR, pWide);

                // R = r·B
                Sodium.crypto_scalarmult_ed25519_base_noclamp(pBigR, pR);

                // h = SHA-512(R || A || M) mod L
                int hashLength = 64 + message.Length;
                bigR.CopyTo(input);
                edwardsPublicKey.CopyTo(input[32..]);
                message.CopyTo(input[64..]);
                SHA512.HashData(input[..hashLength], wide);
                Sodium.crypto_core_ed25519_scalar_reduce(pH, pWide);

                // s = h·a + r mod L
                Sodium.crypto_core_ed25519_scalar_mul(pHa, pH, pA);
                Sodium.crypto_core_ed25519_scalar_add(pS, pHa, pR);

                bigR.CopyTo(signature);
                s.CopyTo(signature[32..]);
                signature[63] = (byte)((signature[63] & 0x7F) | signBit);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(wide);
            CryptographicOperations.ZeroMemory(a);
            CryptographicOperations.ZeroMemory(r);
            CryptographicOperations.ZeroMemory(ha);
            CryptographicOperations.ZeroMemory(input);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Maps the Montgomery u-coordinate to the Edwards y-coordinate, y = (u - 1) / (u + 1), written as 32 bytes
    /// with the sign bit clear. Returns false for u = -1, which has no Edwards image.
    /// </summary>
    public static bool TryConvertToEdwards(ReadOnlySpan<byte> montgomeryU, Span<byte> edwardsY)
    {
        Field25519 u = Field25519.FromBytes(montgomeryU);
        Field25519 denominator = u + Field25519.One;
        if (denominator.IsZero())
        {
            return false;
        }

        Field25519 y = (u - Field25519.One) * denominator.Invert();
        y.ToBytes(edwardsY);
        return true;
    }

    /// <summary>
    /// libsignal's <c>is_canonical</c> for a Montgomery key: u is below p (bit 255 clear, u ≠ p..2^255-1) and
    /// its Edwards image (sign 0) is a valid point of the prime-order subgroup. Public data only.
    /// </summary>
    public static bool IsCanonicalMontgomeryPoint(ReadOnlySpan<byte> montgomeryU)
    {
        if ((montgomeryU[31] & 0x80) != 0)
        {
            return false;
        }

        // u ≥ p: the encodings 2^255-19 … 2^255-1 (0xED…0xFF, then 0xFF×30, then 0x7F).
        if (montgomeryU[0] >= 0xED && !montgomeryU[1..31].ContainsAnyExcept((byte)0xFF) && montgomeryU[31] == 0x7F)
        {
            return false;
        }

        Span<byte> edwards = stackalloc byte[32];
        if (!TryConvertToEdwards(montgomeryU, edwards))
        {
            return false;
        }

        Sodium.EnsureInitialized();
        fixed (byte* p = edwards)
        {
            return Sodium.crypto_core_ed25519_is_valid_point(p) == 1;
        }
    }

    /// <summary>Verifies against a Montgomery public key (32 bytes).</summary>
    public static bool Verify(ReadOnlySpan<byte> montgomeryPublicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        Span<byte> edwardsY = stackalloc byte[32];
        return TryConvertToEdwards(montgomeryPublicKey, edwardsY) && VerifyEdwards(edwardsY, message, signature);
    }

    /// <summary>Verifies against the Edwards y-coordinate of the signer's key (sign bit clear), as from <see cref="TryConvertToEdwards"/>.</summary>
    public static bool VerifyEdwards(ReadOnlySpan<byte> edwardsY, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != SignatureLength || edwardsY.Length != 32)
        {
            return false;
        }

        Span<byte> sig = stackalloc byte[SignatureLength];
        signature.CopyTo(sig);
        byte signBit = (byte)(sig[63] & 0x80);
        sig[63] &= 0x7F;
        if ((sig[63] & 0xE0) != 0)
        {
            return false;
        }

        Span<byte> edPublic = stackalloc byte[32];
        edwardsY.CopyTo(edPublic);
        edPublic[31] |= signBit;

        Sodium.EnsureInitialized();
        fixed (byte* pSig = sig)
        fixed (byte* pMessage = message)
        fixed (byte* pKey = edPublic)
        {
            return Sodium.crypto_sign_ed25519_verify_detached(pSig, pMessage, (ulong)message.Length, pKey) == 0;
        }
    }
}
