using System.Security.Cryptography;
using E2EMessaging.Protocol.Kem;

namespace E2EMessaging.Protocol.Keys;

/// <summary>A Kyber-1024 key pair. Disposing it wipes the secret key.</summary>
public sealed class KyberKeyPair : IDisposable
{
    /// <summary>Pairs a public and a secret key.</summary>
    /// <exception cref="ProtocolException">The public key is not the one embedded in the secret key.</exception>
    public KyberKeyPair(KyberPublicKey publicKey, KyberSecretKey secretKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        ArgumentNullException.ThrowIfNull(secretKey);
        if (!CryptographicOperations.FixedTimeEquals(publicKey.KeyBytes, secretKey.EmbeddedPublicKey))
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidKey, "The Kyber public key does not belong to the secret key.");
        }

        PublicKey = publicKey;
        SecretKey = secretKey;
    }

    /// <summary>The public key, published in bundles.</summary>
    public KyberPublicKey PublicKey { get; }

    /// <summary>The secret key.</summary>
    public KyberSecretKey SecretKey { get; }

    /// <summary>Generates a fresh key pair.</summary>
    public static KyberKeyPair Generate(IRandomSource? random = null)
    {
        byte[] publicKey = new byte[KyberPublicKey.SerializedLength];
        byte[] secretKey = GC.AllocateUninitializedArray<byte>(KyberSecretKey.SerializedLength, pinned: true);
        publicKey[0] = KyberPublicKey.TypeByte;
        secretKey[0] = KyberPublicKey.TypeByte;
        Kyber1024.GenerateKeyPair(random ?? SystemRandomSource.Instance, publicKey.AsSpan(1), secretKey.AsSpan(1));
        return new KyberKeyPair(KyberPublicKey.FromTrustedBytes(publicKey), KyberSecretKey.FromPinned(secretKey));
    }

    /// <summary>Wipes the secret key.</summary>
    public void Dispose() => SecretKey.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"KyberKeyPair({PublicKey})";
}
