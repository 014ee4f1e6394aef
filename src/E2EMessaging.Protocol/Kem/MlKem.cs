using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace E2EMessaging.Protocol.Kem;

/// <summary>
/// ML-KEM's deterministic internals (FIPS 203, section 6): key generation from (d, z), encapsulation from m,
/// decapsulation with implicit rejection, and encapsulation split in two halves for ML-KEM Braid
/// (signal.org/docs/specifications/mlkembraid). Written from FIPS 203. Randomness is the caller's business.
/// </summary>
/// <remarks>
/// Hash functions (FIPS 203, section 4.1): H = SHA3-256, G = SHA3-512, J = SHAKE256 with 32 bytes of output.
/// Secret-dependent work is constant time; secret temporaries are wiped before returning.
/// </remarks>
internal static class MlKem
{
    private const int SeedLength = MlKemParameters.SeedLength;
    private const int MaxK = 4;
    private const int MaxCiphertextLength = 1568;

    /// <summary>
    /// ML-KEM.KeyGen_internal(d, z) (FIPS 203, Algorithm 16): ek = K-PKE ek, dk = dk_PKE || ek || H(ek) || z.
    /// With <see cref="MlKemVariant.Round3"/>, K-PKE hashes G(d) instead of G(d || k), as round-3 Kyber does.
    /// </summary>
    public static void GenerateKeyPair(MlKemParameters p, ReadOnlySpan<byte> d, ReadOnlySpan<byte> z, Span<byte> ek, Span<byte> dk, MlKemVariant variant)
    {
        ArgumentNullException.ThrowIfNull(p);
        CheckLength(d, SeedLength, nameof(d));
        CheckLength(z, SeedLength, nameof(z));
        CheckLength(ek, p.EncapsulationKeyLength, nameof(ek));
        CheckLength(dk, p.DecapsulationKeyLength, nameof(dk));
        if (variant is not (MlKemVariant.Fips203 or MlKemVariant.Round3))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(variant), "Unknown ML-KEM variant.");
        }

        int vectorLength = p.EncodedVectorLength;
        MlKemPke.GenerateKeyPair(p, d, variant, ek, dk.Slice(0, vectorLength));
        ek.CopyTo(dk.Slice(vectorLength));
        Keccak.Sha3_256(ek, dk.Slice(vectorLength + p.EncapsulationKeyLength, SeedLength));
        z.CopyTo(dk.Slice(dk.Length - SeedLength));
    }

    /// <summary>
    /// The encapsulation key check of FIPS 203, section 7.2: the right length, and every coefficient of t̂
    /// below q (ByteEncode_12(ByteDecode_12(t̂)) = t̂).
    /// </summary>
    public static bool IsValidEncapsulationKey(MlKemParameters p, ReadOnlySpan<byte> ek)
    {
        ArgumentNullException.ThrowIfNull(p);
        return ek.Length == p.EncapsulationKeyLength && MlKemEncoding.IsReduced12(ek.Slice(0, p.EncodedVectorLength));
    }

    /// <summary>
    /// ML-KEM.Encaps_internal(ek, m) (FIPS 203, Algorithm 17): (K, r) = G(m || H(ek)), c = K-PKE.Encrypt(ek, m, r).
    /// Built from <see cref="EncapsulateFirstHalf"/> and <see cref="EncapsulateSecondHalf"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A length is wrong, or <paramref name="ek"/> fails the modulus check.</exception>
    public static void Encapsulate(MlKemParameters p, ReadOnlySpan<byte> ek, ReadOnlySpan<byte> m, Span<byte> ciphertext, Span<byte> sharedKey)
    {
        ArgumentNullException.ThrowIfNull(p);
        CheckLength(ek, p.EncapsulationKeyLength, nameof(ek));
        CheckLength(m, SeedLength, nameof(m));
        CheckLength(ciphertext, p.CiphertextLength, nameof(ciphertext));
        CheckLength(sharedKey, MlKemParameters.SharedKeyLength, nameof(sharedKey));
        if (!MlKemEncoding.IsReduced12(ek.Slice(0, p.EncodedVectorLength)))
        {
            ThrowHelper.Argument(nameof(ek), "The encapsulation key fails the FIPS 203 modulus check.");
        }

        Span<byte> hashEk = stackalloc byte[SeedLength];
        Span<byte> coins = stackalloc byte[SeedLength];
        Span<short> rHat = stackalloc short[MaxK * MlKemArithmetic.N];
        rHat = rHat.Slice(0, p.K * MlKemArithmetic.N);
        try
        {
            Keccak.Sha3_256(ek, hashEk);
            ReadOnlySpan<byte> encodedTHat = ek.Slice(0, p.EncodedVectorLength);
            ReadOnlySpan<byte> rho = ek.Slice(p.EncodedVectorLength);
            EncapsulateFirstHalf(p, rho, hashEk, m, ciphertext.Slice(0, p.Ciphertext1Length), sharedKey, coins, rHat);
            EncapsulateSecondHalf(p, encodedTHat, rHat, coins, m, ciphertext.Slice(p.Ciphertext1Length));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(coins);
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(rHat));
        }
    }

    /// <summary>
    /// First half of a split encapsulation: from the 64-byte header ρ || H(ek) and the message m, writes the
    /// first ciphertext part (compressed u, <see cref="MlKemParameters.Ciphertext1Length"/> bytes) and the shared
    /// key, and returns the state that <see cref="TryEncapsulate2"/> needs. The caller disposes the state.
    /// </summary>
    public static MlKemEncapsulationState Encapsulate1(MlKemParameters p, ReadOnlySpan<byte> header, ReadOnlySpan<byte> m, Span<byte> ciphertext1, Span<byte> sharedKey)
    {
        ArgumentNullException.ThrowIfNull(p);
        CheckLength(header, MlKemParameters.HeaderLength, nameof(header));
        CheckLength(m, SeedLength, nameof(m));
        CheckLength(ciphertext1, p.Ciphertext1Length, nameof(ciphertext1));
        CheckLength(sharedKey, MlKemParameters.SharedKeyLength, nameof(sharedKey));

        Span<byte> coins = stackalloc byte[SeedLength];
        Span<short> rHat = stackalloc short[MaxK * MlKemArithmetic.N];
        rHat = rHat.Slice(0, p.K * MlKemArithmetic.N);
        try
        {
            EncapsulateFirstHalf(p, header.Slice(0, SeedLength), header.Slice(SeedLength), m, ciphertext1, sharedKey, coins, rHat);
            return new MlKemEncapsulationState(p, header, m, coins);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(coins);
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(rHat));
        }
    }

    /// <summary>
    /// Second half of a split encapsulation: given the rest of the encapsulation key, the 384·k-byte encoded t̂,
    /// writes the second ciphertext part (compressed v, <see cref="MlKemParameters.Ciphertext2Length"/> bytes).
    /// Returns <see langword="false"/>, writing nothing, when SHA3-256(t̂ || ρ) differs from the header's H(ek)
    /// or t̂ fails the modulus check. May be called more than once; the output is the same each time.
    /// </summary>
    public static bool TryEncapsulate2(MlKemEncapsulationState state, ReadOnlySpan<byte> encodedTHat, Span<byte> ciphertext2)
    {
        ArgumentNullException.ThrowIfNull(state);
        MlKemParameters p = state.Parameters;
        CheckLength(encodedTHat, p.EncodedVectorLength, nameof(encodedTHat));
        CheckLength(ciphertext2, p.Ciphertext2Length, nameof(ciphertext2));

        Span<byte> hashEk = stackalloc byte[SeedLength];
        KeccakSponge h = KeccakSponge.CreateSha3_256();
        h.Absorb(encodedTHat);
        h.Absorb(state.Rho);
        h.Squeeze(hashEk);
        if (!CryptographicOperations.FixedTimeEquals(hashEk, state.HashEk) || !MlKemEncoding.IsReduced12(encodedTHat))
        {
            return false;
        }

        Span<short> rHat = stackalloc short[MaxK * MlKemArithmetic.N];
        rHat = rHat.Slice(0, p.K * MlKemArithmetic.N);
        try
        {
            MlKemPke.SampleRHat(p, state.Coins, rHat);
            EncapsulateSecondHalf(p, encodedTHat, rHat, state.Coins, state.Message, ciphertext2);
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(rHat));
        }
    }

    /// <summary>
    /// ML-KEM.Decaps_internal(dk, c) (FIPS 203, Algorithm 18). A ciphertext that does not re-encrypt to itself
    /// gives the implicit-rejection key J(z || c); the choice is made in constant time.
    /// </summary>
    /// <exception cref="ArgumentException">A length is wrong.</exception>
    public static void Decapsulate(MlKemParameters p, ReadOnlySpan<byte> dk, ReadOnlySpan<byte> ciphertext, Span<byte> sharedKey)
    {
        ArgumentNullException.ThrowIfNull(p);
        CheckLength(dk, p.DecapsulationKeyLength, nameof(dk));
        CheckLength(ciphertext, p.CiphertextLength, nameof(ciphertext));
        CheckLength(sharedKey, MlKemParameters.SharedKeyLength, nameof(sharedKey));

        Span<byte> candidate = stackalloc byte[SeedLength];
        Span<byte> rejection = stackalloc byte[SeedLength];
        try
        {
            int accept = DecapsulateCore(p, dk, ciphertext, candidate);

            // K̄ = J(z || c).
            KeccakSponge j = KeccakSponge.CreateShake256();
            j.Absorb(dk.Slice(dk.Length - SeedLength));
            j.Absorb(ciphertext);
            j.Squeeze(rejection);
            j.Clear();

            Select(accept, candidate, rejection, sharedKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(candidate);
            CryptographicOperations.ZeroMemory(rejection);
        }
    }

    /// <summary>
    /// The part of decapsulation that ML-KEM and round-3 Kyber share: m' = K-PKE.Decrypt(dk_PKE, c),
    /// (K', r') = G(m' || h), c' = K-PKE.Encrypt(ek, m', r'). Writes K' to <paramref name="candidateKey"/> and
    /// returns an all-ones mask (-1) if c' = c, else 0, computed without branching on secrets.
    /// Lengths must already be checked.
    /// </summary>
    internal static int DecapsulateCore(MlKemParameters p, ReadOnlySpan<byte> dk, ReadOnlySpan<byte> ciphertext, Span<byte> candidateKey)
    {
        int vectorLength = p.EncodedVectorLength;
        ReadOnlySpan<byte> dkPke = dk.Slice(0, vectorLength);
        ReadOnlySpan<byte> ekPke = dk.Slice(vectorLength, p.EncapsulationKeyLength);
        ReadOnlySpan<byte> h = dk.Slice(vectorLength + p.EncapsulationKeyLength, SeedLength);

        Span<byte> message = stackalloc byte[SeedLength];
        Span<byte> kr = stackalloc byte[2 * SeedLength];
        Span<byte> reencrypted = stackalloc byte[MaxCiphertextLength];
        reencrypted = reencrypted.Slice(0, p.CiphertextLength);
        try
        {
            MlKemPke.Decrypt(p, dkPke, ciphertext, message);

            KeccakSponge g = KeccakSponge.CreateSha3_512();
            g.Absorb(message);
            g.Absorb(h);
            g.Squeeze(kr);
            g.Clear();

            MlKemPke.Encrypt(p, ekPke, message, kr.Slice(SeedLength), reencrypted);
            kr.Slice(0, SeedLength).CopyTo(candidateKey);

            bool equal = CryptographicOperations.FixedTimeEquals(ciphertext, reencrypted);
            return -(int)Unsafe.As<bool, byte>(ref equal);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(message);
            CryptographicOperations.ZeroMemory(kr);
            CryptographicOperations.ZeroMemory(reencrypted);
        }
    }

    /// <summary>destination = mask ? ifSet : ifClear, bytewise, for a mask of all ones or all zeros, without branching.</summary>
    internal static void Select(int mask, ReadOnlySpan<byte> ifSet, ReadOnlySpan<byte> ifClear, Span<byte> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (byte)((ifSet[i] & mask) | (ifClear[i] & ~mask));
        }
    }

    // First half: (K, r) = G(m || H(ek)), r̂ = NTT(r), c1 from ρ. Writes K, the coins r and r̂.
    private static void EncapsulateFirstHalf(MlKemParameters p, ReadOnlySpan<byte> rho, ReadOnlySpan<byte> hashEk, ReadOnlySpan<byte> m, Span<byte> ciphertext1, Span<byte> sharedKey, Span<byte> coins, Span<short> rHat)
    {
        Span<byte> kr = stackalloc byte[2 * SeedLength];
        try
        {
            KeccakSponge g = KeccakSponge.CreateSha3_512();
            g.Absorb(m);
            g.Absorb(hashEk);
            g.Squeeze(kr);
            g.Clear();
            kr.Slice(0, SeedLength).CopyTo(sharedKey);
            kr.Slice(SeedLength).CopyTo(coins);

            MlKemPke.SampleRHat(p, coins, rHat);
            MlKemPke.EncryptU(p, rho, rHat, coins, ciphertext1);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kr);
        }
    }

    // Second half: c2 from t̂, r̂, the coins (for e2) and m.
    private static void EncapsulateSecondHalf(MlKemParameters p, ReadOnlySpan<byte> encodedTHat, ReadOnlySpan<short> rHat, ReadOnlySpan<byte> coins, ReadOnlySpan<byte> m, Span<byte> ciphertext2) =>
        MlKemPke.EncryptV(p, encodedTHat, rHat, coins, m, ciphertext2);

    private static void CheckLength(ReadOnlySpan<byte> value, int expected, string paramName)
    {
        if (value.Length != expected)
        {
            ThrowHelper.Argument(paramName, $"Expected {expected} bytes, got {value.Length}.");
        }
    }
}
