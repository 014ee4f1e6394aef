using System.Runtime.InteropServices;

namespace E2EMessaging.Protocol.Crypto;

/// <summary>
/// The few libsodium functions we call directly: the native library that NSec.Cryptography ships.
/// Each is constant time in its secret inputs (libsodium's guarantee).
/// </summary>
internal static unsafe partial class Sodium
{
    private const string Library = "libsodium";

    static Sodium()
    {
        if (sodium_init() < 0)
        {
            throw new InvalidOperationException("libsodium failed to initialize.");
        }
    }

    /// <summary>Touching this runs the static constructor, which initializes libsodium once.</summary>
    public static void EnsureInitialized()
    {
    }

    [LibraryImport(Library)]
    private static partial int sodium_init();

    /// <summary>X25519: q = clamp(n)·p. Returns -1 when the result is the all-zero point.</summary>
    [LibraryImport(Library)]
    public static partial int crypto_scalarmult_curve25519(byte* q, byte* n, byte* p);

    /// <summary>X25519 with the base point: q = clamp(n)·9.</summary>
    [LibraryImport(Library)]
    public static partial int crypto_scalarmult_curve25519_base(byte* q, byte* n);

    /// <summary>Edwards q = n·B without clamping (n's top bit is ignored). Returns -1 for n = 0.</summary>
    [LibraryImport(Library)]
    public static partial int crypto_scalarmult_ed25519_base_noclamp(byte* q, byte* n);

    /// <summary>r = s mod L for a 64-byte little-endian s.</summary>
    [LibraryImport(Library)]
    public static partial void crypto_core_ed25519_scalar_reduce(byte* r, byte* s);

    /// <summary>z = x·y mod L.</summary>
    [LibraryImport(Library)]
    public static partial void crypto_core_ed25519_scalar_mul(byte* z, byte* x, byte* y);

    /// <summary>z = x + y mod L.</summary>
    [LibraryImport(Library)]
    public static partial void crypto_core_ed25519_scalar_add(byte* z, byte* x, byte* y);

    /// <summary>1 when p is a canonical encoding of a point on the curve, in the prime-order subgroup, and not of small order.</summary>
    [LibraryImport(Library)]
    public static partial int crypto_core_ed25519_is_valid_point(byte* p);

    /// <summary>Standard Ed25519 verification (RFC 8032 with libsodium's canonicality checks). 0 when valid.</summary>
    [LibraryImport(Library)]
    public static partial int crypto_sign_ed25519_verify_detached(byte* sig, byte* m, ulong mlen, byte* pk);
}
