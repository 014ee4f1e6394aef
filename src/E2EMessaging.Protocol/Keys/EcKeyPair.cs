namespace E2EMessaging.Protocol.Keys;

/// <summary>A Curve25519 key pair. Disposing it wipes the private key.</summary>
public sealed class EcKeyPair : IDisposable
{
    /// <summary>Pairs a private key with its public key (derived, so the two always match).</summary>
    public EcKeyPair(PrivateKey privateKey)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        PrivateKey = privateKey;
        PublicKey = privateKey.GetPublicKey();
    }

    /// <summary>Pairs a private key with the public key stored beside it, trusting the store (as libsignal does) instead of deriving it again.</summary>
    internal EcKeyPair(PrivateKey privateKey, PublicKey publicKey)
    {
        PrivateKey = privateKey;
        PublicKey = publicKey;
    }

    /// <summary>The public half.</summary>
    public PublicKey PublicKey { get; }

    /// <summary>The private half.</summary>
    public PrivateKey PrivateKey { get; }

    /// <summary>Generates a fresh pair.</summary>
    public static EcKeyPair Generate(IRandomSource? random = null) => new(PrivateKey.Generate(random));

    /// <summary>Wipes the private key.</summary>
    public void Dispose() => PrivateKey.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"EcKeyPair({PublicKey})";
}
