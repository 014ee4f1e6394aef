using System.Security.Cryptography;
using E2EMessaging.Protocol.Crypto;

namespace E2EMessaging.Protocol.Keys;

/// <summary>
/// A Curve25519 private key: 32 bytes, clamped as libsignal stores them. It owns its memory (pinned, wiped on
/// <see cref="Dispose"/>) and never prints itself.
/// </summary>
public sealed class PrivateKey : IDisposable
{
    /// <summary>Length of <see cref="Serialize"/>'s output.</summary>
    public const int SerializedLength = 32;

    private readonly byte[] _key;
    private PublicKey? _publicKey;

    /// <summary>The Edwards form of the public key, which every signature needs (public data), computed on first use.</summary>
    private byte[]? _edwardsPublicKey;
    private bool _disposed;

    private PrivateKey(byte[] pinnedKey)
    {
        _key = pinnedKey;
    }

    /// <summary>Generates a fresh key from <paramref name="random"/> (the system CSPRNG when null).</summary>
    public static PrivateKey Generate(IRandomSource? random = null)
    {
        byte[] key = GC.AllocateUninitializedArray<byte>(SerializedLength, pinned: true);
        (random ?? SystemRandomSource.Instance).Fill(key);
        X25519.Clamp(key);
        return new PrivateKey(key);
    }

    /// <summary>Reads 32 bytes and clamps them, as libsignal does.</summary>
    /// <exception cref="ProtocolException">The length is not 32.</exception>
    public static PrivateKey Deserialize(ReadOnlySpan<byte> serialized)
    {
        if (serialized.Length != SerializedLength)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidKey, $"A Curve25519 private key is 32 bytes; got {serialized.Length}.");
        }

        byte[] key = GC.AllocateUninitializedArray<byte>(SerializedLength, pinned: true);
        serialized.CopyTo(key);
        X25519.Clamp(key);
        return new PrivateKey(key);
    }

    /// <summary>The 32 clamped key bytes, a fresh array the caller must protect and wipe.</summary>
    public byte[] Serialize() => Key.ToArray();

    /// <summary>The matching public key.</summary>
    public PublicKey GetPublicKey()
    {
        if (_publicKey is null)
        {
            Span<byte> publicKey = stackalloc byte[32];
            X25519.DerivePublicKey(Key, publicKey);
            _publicKey = PublicKey.FromKeyBytes(publicKey);
        }

        return _publicKey;
    }

    /// <summary>An XEdDSA signature (64 bytes, libsignal's variant) over <paramref name="message"/>.</summary>
    public byte[] CalculateSignature(ReadOnlySpan<byte> message, IRandomSource? random = null)
    {
        var signature = new byte[XEdDsa.SignatureLength];
        Span<byte> nonce = stackalloc byte[XEdDsa.RandomLength];
        try
        {
            (random ?? SystemRandomSource.Instance).Fill(nonce);
            XEdDsa.Sign(Key, EdwardsPublicKey, message, nonce, signature);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(nonce);
        }

        return signature;
    }

    /// <summary>
    /// The Edwards form of the public key that signatures need (public data). Computed once per object; a holder that
    /// recreates the key often (a sender key loaded from its record for every message) may keep it and hand it back
    /// through <see cref="AdoptEdwardsPublicKey"/>.
    /// </summary>
    internal byte[] EdwardsPublicKey
    {
        get
        {
            if (_edwardsPublicKey is null)
            {
                var edwards = new byte[32];
                XEdDsa.DeriveEdwardsPublicKey(Key, edwards);
                _edwardsPublicKey = edwards;
            }

            return _edwardsPublicKey;
        }
    }

    /// <summary>Uses an Edwards public key computed earlier for this same key (see <see cref="EdwardsPublicKey"/>).</summary>
    internal void AdoptEdwardsPublicKey(byte[] edwardsPublicKey) => _edwardsPublicKey = edwardsPublicKey;

    /// <summary>X25519 with <paramref name="theirKey"/> into a 32-byte span.</summary>
    /// <exception cref="ProtocolException">Their key is a low-order point (the agreement would be all zeros).</exception>
    internal void CalculateAgreement(PublicKey theirKey, Span<byte> sharedSecret)
    {
        if (!X25519.TryAgree(Key, theirKey.KeyBytes, sharedSecret))
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidKeyAgreement, "The peer's public key is a low-order point.");
        }
    }

    /// <summary>The raw key for internal primitives; throws once disposed.</summary>
    internal ReadOnlySpan<byte> Key
    {
        get
        {
            if (_disposed)
            {
                ThrowHelper.ObjectDisposed(this);
            }

            return _key;
        }
    }

    /// <summary>Wipes the key.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            CryptographicOperations.ZeroMemory(_key);
        }
    }

    /// <summary>The type name only: a private key never prints itself.</summary>
    public override string ToString() => nameof(PrivateKey);
}
