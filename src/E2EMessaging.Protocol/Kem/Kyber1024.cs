using System.Security.Cryptography;

namespace E2EMessaging.Protocol.Kem;

/// <summary>
/// CRYSTALS-Kyber-1024 as submitted to NIST's third round, the KEM libsignal calls Kyber1024 (key type 0x08).
/// Raw keys and ciphertexts; the type byte is someone else's business.
/// </summary>
/// <remarks>
/// Round 3 shares K-PKE with ML-KEM-1024 and differs only in hashing (Kyber specification, round 3, section 1.3,
/// Algorithms 7-9):
/// <list type="bullet">
/// <item>key generation derives (ρ, σ) from G(d), with no domain byte (<see cref="MlKemVariant.Round3"/>);</item>
/// <item>encapsulation first hashes the random message, m' = H(m), then (K̄, r) = G(m' || H(pk)),
/// c = Enc(pk, m', r) and K = KDF(K̄ || H(c));</item>
/// <item>decapsulation rejects into K = KDF(z || H(c)) instead of ML-KEM's J(z || c).</item>
/// </list>
/// H = SHA3-256, G = SHA3-512, KDF = SHAKE256 with 32 bytes of output. The secret key layout,
/// s || pk || H(pk) || z, is ML-KEM's.
/// </remarks>
internal static class Kyber1024
{
    /// <summary>Bytes of a public key.</summary>
    public const int PublicKeyLength = 1568;

    /// <summary>Bytes of a secret key.</summary>
    public const int SecretKeyLength = 3168;

    /// <summary>Bytes of a ciphertext.</summary>
    public const int CiphertextLength = 1568;

    /// <summary>Bytes of the shared secret.</summary>
    public const int SharedSecretLength = 32;

    private const int SeedLength = MlKemParameters.SeedLength;

    private static MlKemParameters Parameters => MlKemParameters.MlKem1024;

    /// <summary>Generates a key pair, drawing d (32 bytes) and then z (32 bytes) from <paramref name="random"/>.</summary>
    public static void GenerateKeyPair(IRandomSource random, Span<byte> publicKey, Span<byte> secretKey)
    {
        ArgumentNullException.ThrowIfNull(random);
        Span<byte> d = stackalloc byte[SeedLength];
        Span<byte> z = stackalloc byte[SeedLength];
        try
        {
            random.Fill(d);
            random.Fill(z);
            GenerateKeyPair(d, z, publicKey, secretKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(d);
            CryptographicOperations.ZeroMemory(z);
        }
    }

    /// <summary>Kyber.CCAKEM.KeyGen with its two random seeds given: d for K-PKE, z for implicit rejection.</summary>
    public static void GenerateKeyPair(ReadOnlySpan<byte> d, ReadOnlySpan<byte> z, Span<byte> publicKey, Span<byte> secretKey) =>
        MlKem.GenerateKeyPair(Parameters, d, z, publicKey, secretKey, MlKemVariant.Round3);

    /// <summary>Encapsulates to <paramref name="publicKey"/>, drawing m (32 bytes) from <paramref name="random"/>.</summary>
    /// <exception cref="ArgumentException">A length is wrong, or the public key fails the modulus check.</exception>
    public static void Encapsulate(ReadOnlySpan<byte> publicKey, IRandomSource random, Span<byte> ciphertext, Span<byte> sharedSecret)
    {
        ArgumentNullException.ThrowIfNull(random);
        Span<byte> m = stackalloc byte[SeedLength];
        try
        {
            random.Fill(m);
            Encapsulate(publicKey, m, ciphertext, sharedSecret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(m);
        }
    }

    /// <summary>
    /// Kyber.CCAKEM.Enc with its random message given: m' = H(m), (K̄, r) = G(m' || H(pk)), c = Enc(pk, m', r),
    /// K = SHAKE256(K̄ || H(c)) truncated to 32 bytes.
    /// </summary>
    /// <exception cref="ArgumentException">A length is wrong, or the public key fails the modulus check.</exception>
    public static void Encapsulate(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> m, Span<byte> ciphertext, Span<byte> sharedSecret)
    {
        CheckLength(publicKey, PublicKeyLength, nameof(publicKey));
        CheckLength(m, SeedLength, nameof(m));
        CheckLength(ciphertext, CiphertextLength, nameof(ciphertext));
        CheckLength(sharedSecret, SharedSecretLength, nameof(sharedSecret));

        Span<byte> hashedMessage = stackalloc byte[SeedLength];
        Span<byte> preKey = stackalloc byte[SeedLength];
        try
        {
            Keccak.Sha3_256(m, hashedMessage);
            MlKem.Encapsulate(Parameters, publicKey, hashedMessage, ciphertext, preKey);
            DeriveSharedSecret(preKey, ciphertext, sharedSecret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(hashedMessage);
            CryptographicOperations.ZeroMemory(preKey);
        }
    }

    /// <summary>
    /// Kyber.CCAKEM.Dec: K = SHAKE256(K̄' || H(c)) if c re-encrypts to itself, else SHAKE256(z || H(c)), truncated
    /// to 32 bytes. K̄' and z are selected in constant time, then one KDF runs. Never fails on a bad ciphertext.
    /// </summary>
    /// <exception cref="ArgumentException">A length is wrong.</exception>
    public static void Decapsulate(ReadOnlySpan<byte> secretKey, ReadOnlySpan<byte> ciphertext, Span<byte> sharedSecret)
    {
        CheckLength(secretKey, SecretKeyLength, nameof(secretKey));
        CheckLength(ciphertext, CiphertextLength, nameof(ciphertext));
        CheckLength(sharedSecret, SharedSecretLength, nameof(sharedSecret));

        Span<byte> candidate = stackalloc byte[SeedLength];
        Span<byte> preKey = stackalloc byte[SeedLength];
        try
        {
            int accept = MlKem.DecapsulateCore(Parameters, secretKey, ciphertext, candidate);
            MlKem.Select(accept, candidate, secretKey.Slice(SecretKeyLength - SeedLength), preKey);
            DeriveSharedSecret(preKey, ciphertext, sharedSecret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(candidate);
            CryptographicOperations.ZeroMemory(preKey);
        }
    }

    // KDF(K̄ || H(c)) = SHAKE256(K̄ || SHA3-256(c)), 32 bytes.
    private static void DeriveSharedSecret(ReadOnlySpan<byte> preKey, ReadOnlySpan<byte> ciphertext, Span<byte> sharedSecret)
    {
        Span<byte> hashCiphertext = stackalloc byte[SeedLength];
        Keccak.Sha3_256(ciphertext, hashCiphertext);
        KeccakSponge kdf = KeccakSponge.CreateShake256();
        kdf.Absorb(preKey);
        kdf.Absorb(hashCiphertext);
        kdf.Squeeze(sharedSecret);
        kdf.Clear();
    }

    private static void CheckLength(ReadOnlySpan<byte> value, int expected, string paramName)
    {
        if (value.Length != expected)
        {
            ThrowHelper.Argument(paramName, $"Expected {expected} bytes, got {value.Length}.");
        }
    }
}
