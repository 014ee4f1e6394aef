using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using E2EMessaging.Protocol.Kem;

namespace E2EMessaging.Protocol.Spqr;

/// <summary>
/// ML-KEM-768 with the encapsulation key and the encapsulation both split in two, as the ML-KEM Braid uses it
/// (signal.org/docs/specifications/mlkembraid, "Incremental ML-KEM"), in the byte formats SPQR v1.5.3 sends and
/// persists (it uses libcrux-ml-kem 0.0.10's incremental API; the layouts below are facts of that format):
/// <list type="bullet">
/// <item>header (64 bytes) = ρ || H(ek), with ek = ByteEncode_12(t̂) || ρ and H = SHA3-256;</item>
/// <item>encapsulation key part (1152 bytes) = ByteEncode_12(t̂);</item>
/// <item>decapsulation key (2400 bytes) = the FIPS 203 dk: ByteEncode_12(ŝ) || ek || H(ek) || z;</item>
/// <item>ciphertext parts: ct1 = compressed u (960 bytes), ct2 = compressed v (128 bytes);</item>
/// <item>encapsulation state (2080 bytes) = r̂ (3 × 256 signed 16-bit coefficients) || e2 (256 signed 16-bit
///   coefficients) || m (32 bytes), each coefficient little-endian. r̂ is NTT(r) with every coefficient the
///   representative in [-(q-1)/2, (q-1)/2], which is what libcrux's final Barrett reduction leaves, so the bytes
///   are the ones libcrux writes for the same randomness (checked against the crate's saved states and, live,
///   against libsignal's).</item>
/// </list>
/// Key generation reads 64 random bytes (d then z), encapsulation 32 (m).
/// </summary>
internal static class IncrementalMlKem768
{
    public const int HeaderLength = MlKemParameters.HeaderLength;
    public const int EncapsulationKeyLength = 1152;
    public const int DecapsulationKeyLength = 2400;
    public const int Ciphertext1Length = 960;
    public const int Ciphertext2Length = 128;
    public const int EncapsulationStateLength = (4 * N * 2) + SeedLength;
    public const int SharedKeyLength = MlKemParameters.SharedKeyLength;

    private const int N = MlKemArithmetic.N;
    private const int SeedLength = MlKemParameters.SeedLength;
    private const int K = 3;

    private static MlKemParameters Parameters => MlKemParameters.MlKem768;

    /// <summary>A fresh key pair: the header, the encapsulation key part and the decapsulation key.</summary>
    public static (byte[] Header, byte[] EncapsulationKey, byte[] DecapsulationKey) GenerateKeys(IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(random);
        MlKemParameters p = Parameters;
        Span<byte> seeds = stackalloc byte[2 * SeedLength];
        var dk = new byte[DecapsulationKeyLength];
        var ek = new byte[p.EncapsulationKeyLength];
        try
        {
            random.Fill(seeds);
            MlKem.GenerateKeyPair(p, seeds.Slice(0, SeedLength), seeds.Slice(SeedLength), ek, dk, MlKemVariant.Fips203);
            var header = new byte[HeaderLength];
            ek.AsSpan(EncapsulationKeyLength).CopyTo(header);
            dk.AsSpan(p.EncodedVectorLength + p.EncapsulationKeyLength, SeedLength).CopyTo(header.AsSpan(SeedLength));
            return (header, ek.AsSpan(0, EncapsulationKeyLength).ToArray(), dk);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seeds);
        }
    }

    /// <summary>
    /// True when <paramref name="encapsulationKey"/> completes <paramref name="header"/>: SHA3-256(t̂ || ρ) equals the
    /// header's hash and t̂ passes the FIPS 203 modulus check.
    /// </summary>
    public static bool EncapsulationKeyMatchesHeader(ReadOnlySpan<byte> encapsulationKey, ReadOnlySpan<byte> header)
    {
        if (encapsulationKey.Length != EncapsulationKeyLength || header.Length != HeaderLength)
        {
            return false;
        }

        Span<byte> ek = stackalloc byte[EncapsulationKeyLength + SeedLength];
        encapsulationKey.CopyTo(ek);
        header.Slice(0, SeedLength).CopyTo(ek.Slice(EncapsulationKeyLength));
        Span<byte> hash = stackalloc byte[SeedLength];
        Keccak.Sha3_256(ek, hash);
        return CryptographicOperations.FixedTimeEquals(hash, header.Slice(SeedLength))
            && MlKem.IsValidEncapsulationKey(Parameters, ek);
    }

    /// <summary>
    /// First half of the encapsulation, from the header alone: writes the shared key and returns ct1 and the
    /// encapsulation state that <see cref="Encapsulate2"/> needs.
    /// </summary>
    public static (byte[] Ciphertext1, byte[] State) Encapsulate1(ReadOnlySpan<byte> header, IRandomSource random, Span<byte> sharedKey)
    {
        ArgumentNullException.ThrowIfNull(random);
        MlKemParameters p = Parameters;
        Span<byte> m = stackalloc byte[SeedLength];
        short[] coefficients = GC.AllocateArray<short>(4 * N, pinned: true);
        try
        {
            random.Fill(m);
            var ct1 = new byte[Ciphertext1Length];
            using MlKemEncapsulationState halfway = MlKem.Encapsulate1(p, header, m, ct1, sharedKey);
            MlKemPke.SampleRHat(p, halfway.Coins, coefficients.AsSpan(0, K * N));
            MlKemPke.SampleError2(p, halfway.Coins, coefficients.AsSpan(K * N));

            var state = new byte[EncapsulationStateLength];
            for (int i = 0; i < coefficients.Length; i++)
            {
                BinaryPrimitives.WriteInt16LittleEndian(state.AsSpan(2 * i), coefficients[i]);
            }

            m.CopyTo(state.AsSpan(state.Length - SeedLength));
            return (ct1, state);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(m);
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(coefficients.AsSpan()));
        }
    }

    /// <summary>
    /// Second half of the encapsulation: ct2 from the encapsulation key part and the state of
    /// <see cref="Encapsulate1"/>. The key must already have been checked against the header
    /// (<see cref="EncapsulationKeyMatchesHeader"/>).
    /// </summary>
    /// <remarks>
    /// libcrux before its fix for issue 1275 wrote the state's 16-bit coefficients big-endian, and SPQR v1.5.3 still
    /// reads such states: when the first e2 coefficient that is not 0 or -1 (which read the same either way) reads
    /// as 256, 512 or -257 — a byte-swapped 1, 2 or -2 — every coefficient is swapped back. We apply the same rule
    /// so that states persisted by those versions keep working. Coefficients are reduced on reading, so any
    /// 16-bit value is harmless.
    /// </remarks>
    public static byte[] Encapsulate2(ReadOnlySpan<byte> encapsulationKey, ReadOnlySpan<byte> state)
    {
        if (encapsulationKey.Length != EncapsulationKeyLength)
        {
            ThrowHelper.Argument(nameof(encapsulationKey), $"Expected {EncapsulationKeyLength} bytes.");
        }

        if (state.Length != EncapsulationStateLength)
        {
            ThrowHelper.Argument(nameof(state), $"Expected {EncapsulationStateLength} bytes.");
        }

        MlKemParameters p = Parameters;
        short[] coefficients = GC.AllocateArray<short>(4 * N, pinned: true);
        try
        {
            bool swapped = HasSwappedByteOrder(state);
            for (int i = 0; i < coefficients.Length; i++)
            {
                ReadOnlySpan<byte> bytes = state.Slice(2 * i, 2);
                short value = swapped ? BinaryPrimitives.ReadInt16BigEndian(bytes) : BinaryPrimitives.ReadInt16LittleEndian(bytes);
                coefficients[i] = MlKemArithmetic.BarrettReduce(value);
            }

            var ct2 = new byte[Ciphertext2Length];
            MlKemPke.EncryptV(p, encapsulationKey, coefficients.AsSpan(0, K * N), coefficients.AsSpan(K * N), state.Slice(state.Length - SeedLength), ct2);
            return ct2;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(coefficients.AsSpan()));
        }
    }

    /// <summary>ML-KEM.Decaps of ct1 || ct2 with the 2400-byte decapsulation key (implicit rejection included).</summary>
    public static void Decapsulate(ReadOnlySpan<byte> decapsulationKey, ReadOnlySpan<byte> ciphertext1, ReadOnlySpan<byte> ciphertext2, Span<byte> sharedKey)
    {
        Span<byte> ciphertext = stackalloc byte[Ciphertext1Length + Ciphertext2Length];
        ciphertext1.CopyTo(ciphertext);
        ciphertext2.CopyTo(ciphertext.Slice(Ciphertext1Length));
        MlKem.Decapsulate(Parameters, decapsulationKey, ciphertext, sharedKey);
    }

    // The issue-1275 detection rule described on Encapsulate2. It branches on e2, which is secret, exactly as the
    // crate does; it runs only on this side's own stored state, never on anything the peer sent.
    private static bool HasSwappedByteOrder(ReadOnlySpan<byte> state)
    {
        ReadOnlySpan<byte> error2 = state.Slice(2 * K * N, 2 * N);
        for (int i = 0; i < error2.Length; i += 2)
        {
            short value = BinaryPrimitives.ReadInt16LittleEndian(error2.Slice(i, 2));
            switch (value)
            {
                case 0 or -1:
                    continue;
                case 0x0100 or 0x0200 or unchecked((short)0xFEFF):
                    return true;
                default:
                    return false;
            }
        }

        return false;
    }
}
