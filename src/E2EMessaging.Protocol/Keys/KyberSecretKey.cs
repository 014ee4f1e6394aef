using System.Security.Cryptography;
using E2EMessaging.Protocol.Kem;

namespace E2EMessaging.Protocol.Keys;

/// <summary>A Kyber-1024 secret key (0x08 || 3,168 bytes). It owns its memory and wipes it on <see cref="Dispose"/>.</summary>
public sealed class KyberSecretKey : IDisposable
{
    /// <summary>Length of <see cref="Serialize"/>'s output.</summary>
    public const int SerializedLength = 1 + Kyber1024.SecretKeyLength;

    private readonly byte[] _serialized;
    private bool _disposed;

    private KyberSecretKey(byte[] pinnedSerialized)
    {
        _serialized = pinnedSerialized;
    }

    /// <summary>Reads 0x08 || 3,168 bytes.</summary>
    /// <exception cref="ProtocolException">Empty input, another type byte or a wrong length.</exception>
    public static KyberSecretKey Deserialize(ReadOnlySpan<byte> serialized)
    {
        KyberKeyFormat.CheckTypeByte(serialized, "secret");
        if (serialized.Length != SerializedLength)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidKey, $"A Kyber-1024 secret key is {SerializedLength} bytes with its type byte; got {serialized.Length}.");
        }

        byte[] copy = GC.AllocateUninitializedArray<byte>(SerializedLength, pinned: true);
        serialized.CopyTo(copy);
        return new KyberSecretKey(copy);
    }

    internal static KyberSecretKey FromPinned(byte[] pinnedSerialized) => new(pinnedSerialized);

    /// <summary>0x08 || 3,168 bytes, a fresh array the caller must protect and wipe.</summary>
    public byte[] Serialize() => Serialized.ToArray();

    /// <summary>The public key embedded in the secret key (FIPS 203 layout: dk_pke || ek || H(ek) || z).</summary>
    internal ReadOnlySpan<byte> EmbeddedPublicKey => Serialized.Slice(1 + (384 * 4), Kyber1024.PublicKeyLength);

    /// <summary>Decapsulates a serialized ciphertext (0x08 || 1,568) into the 32-byte shared secret.</summary>
    /// <exception cref="ProtocolException">The ciphertext has another type byte or length.</exception>
    internal void Decapsulate(ReadOnlySpan<byte> serializedCiphertext, Span<byte> sharedSecret)
    {
        if (serializedCiphertext.Length != KyberPublicKey.SerializedCiphertextLength)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidCiphertext, $"A Kyber-1024 ciphertext is {KyberPublicKey.SerializedCiphertextLength} bytes with its type byte; got {serializedCiphertext.Length}.");
        }

        if (serializedCiphertext[0] != KyberPublicKey.TypeByte)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidCiphertext, $"The ciphertext's type byte 0x{serializedCiphertext[0]:x2} does not match the Kyber-1024 key.");
        }

        Kyber1024.Decapsulate(Serialized[1..], serializedCiphertext[1..], sharedSecret);
    }

    private ReadOnlySpan<byte> Serialized
    {
        get
        {
            if (_disposed)
            {
                ThrowHelper.ObjectDisposed(this);
            }

            return _serialized;
        }
    }

    /// <summary>Wipes the key.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            CryptographicOperations.ZeroMemory(_serialized);
        }
    }

    /// <summary>The type name only: a secret key never prints itself.</summary>
    public override string ToString() => nameof(KyberSecretKey);
}
