using E2EMessaging.Protocol.Kem;

namespace E2EMessaging.Protocol.Keys;

/// <summary>
/// A Kyber-1024 public key (CRYSTALS-Kyber round 3, which libsignal 0.103 calls Kyber1024), serialized as
/// the type byte 0x08 followed by 1,568 bytes. FIPS 203 ML-KEM-1024 keys (type 0x0A) are refused, as libsignal refuses them.
/// </summary>
public sealed class KyberPublicKey : IEquatable<KyberPublicKey>
{
    /// <summary>The type byte of a round-3 Kyber-1024 key.</summary>
    public const byte TypeByte = 0x08;

    /// <summary>Length of <see cref="Serialize"/>'s output.</summary>
    public const int SerializedLength = 1 + Kyber1024.PublicKeyLength;

    /// <summary>Length of a serialized ciphertext: the type byte and 1,568 bytes.</summary>
    internal const int SerializedCiphertextLength = 1 + Kyber1024.CiphertextLength;

    private readonly byte[] _serialized;

    private KyberPublicKey(byte[] serialized)
    {
        _serialized = serialized;
    }

    /// <summary>Reads 0x08 || 1,568 bytes.</summary>
    /// <exception cref="ProtocolException">Empty input, another type byte, a wrong length, or coefficients out of range.</exception>
    public static KyberPublicKey Deserialize(ReadOnlySpan<byte> serialized)
    {
        KyberKeyFormat.CheckTypeByte(serialized, "public");
        if (serialized.Length != SerializedLength)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidKey, $"A Kyber-1024 public key is {SerializedLength} bytes with its type byte; got {serialized.Length}.");
        }

        if (!MlKem.IsValidEncapsulationKey(MlKemParameters.MlKem1024, serialized[1..]))
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidKey, "The Kyber-1024 public key has coefficients outside the field.");
        }

        return new KyberPublicKey(serialized.ToArray());
    }

    /// <summary>0x08 || 1,568 bytes, a fresh array.</summary>
    public byte[] Serialize() => (byte[])_serialized.Clone();

    internal ReadOnlySpan<byte> SerializedSpan => _serialized;

    internal ReadOnlySpan<byte> KeyBytes => _serialized.AsSpan(1);

    /// <summary>Encapsulates a fresh shared secret to this key: the serialized ciphertext (0x08 || 1,568) and the 32-byte secret.</summary>
    internal void Encapsulate(IRandomSource random, Span<byte> serializedCiphertext, Span<byte> sharedSecret)
    {
        serializedCiphertext[0] = TypeByte;
        Kyber1024.Encapsulate(KeyBytes, random, serializedCiphertext[1..SerializedCiphertextLength], sharedSecret);
    }

    internal static KyberPublicKey FromTrustedBytes(byte[] serialized) => new(serialized);

    /// <inheritdoc />
    public bool Equals(KyberPublicKey? other) => other is not null && _serialized.AsSpan().SequenceEqual(other._serialized);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as KyberPublicKey);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.AddBytes(_serialized.AsSpan(0, 33));
        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => $"KyberPublicKey({Convert.ToHexStringLower(_serialized, 0, 9)}…)";
}
