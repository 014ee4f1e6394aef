using System.Buffers.Binary;
using System.Text;
using E2EMessaging.Protocol.Crypto;

namespace E2EMessaging.Protocol.Spqr;

/// <summary>
/// The secret the ML-KEM Braid emits for one epoch: both parties derive the same 32 bytes from the epoch's
/// ML-KEM shared key, the encapsulating side when it makes the first ciphertext part, the decapsulating side
/// when the whole ciphertext has arrived. The chain above the braid turns it into message keys.
/// </summary>
/// <remarks>
/// secret = HKDF-SHA256(salt = 32 zero bytes, ikm = ML-KEM shared key,
/// info = "Signal_PQCKA_V1_MLKEM768:SCKA Key" || epoch as 8 bytes big-endian), 32 bytes (SPQR v1.5.3's label).
/// </remarks>
internal sealed class BraidEpochSecret
{
    /// <summary>Bytes of an epoch secret.</summary>
    public const int Length = 32;

    private static readonly byte[] Label = Encoding.ASCII.GetBytes("Signal_PQCKA_V1_MLKEM768:SCKA Key");

    private readonly byte[] _secret;

    private BraidEpochSecret(ulong epoch, byte[] secret)
    {
        Epoch = epoch;
        _secret = secret;
    }

    /// <summary>The epoch this secret belongs to (the first is 1).</summary>
    public ulong Epoch { get; }

    /// <summary>The 32-byte secret.</summary>
    public ReadOnlySpan<byte> Secret => _secret;

    /// <summary>Derives the epoch secret from the epoch's ML-KEM shared key.</summary>
    public static BraidEpochSecret Derive(ulong epoch, ReadOnlySpan<byte> kemSharedKey)
    {
        Span<byte> info = stackalloc byte[Label.Length + sizeof(ulong)];
        Label.CopyTo(info);
        BinaryPrimitives.WriteUInt64BigEndian(info.Slice(Label.Length), epoch);
        var secret = new byte[Length];
        Kdf.Hkdf(kemSharedKey, Authenticator.ZeroSalt, info, secret);
        return new BraidEpochSecret(epoch, secret);
    }

    /// <summary>The type name and epoch only, never the secret.</summary>
    public override string ToString() => $"{nameof(BraidEpochSecret)}(epoch {Epoch})";
}
