using E2EMessaging.Protocol.Crypto;
using E2EMessaging.Protocol.Keys;
using Google.Protobuf;

namespace E2EMessaging.Protocol.PreKeys;

/// <summary>Shared checks for the stored prekey records.</summary>
internal static class KeyPairs
{
    /// <summary>
    /// Reads a stored Curve25519 pair. Like libsignal, it trusts that the stored public key belongs to the private key
    /// (records come from this device's own store): deriving it again would cost an X25519 base-point multiplication
    /// on every load. A mismatched pair cannot leak anything; sessions built on it fail to authenticate.
    /// </summary>
    public static EcKeyPair Read(ByteString publicKey, ByteString privateKey)
    {
        PublicKey storedPublic = PublicKey.Deserialize(publicKey.Span);
        return new EcKeyPair(PrivateKey.Deserialize(privateKey.Span), storedPublic);
    }

    public static void CheckSignatureLength(ByteString signature)
    {
        if (signature.Length != XEdDsa.SignatureLength)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidSignature, $"A signature is 64 bytes; got {signature.Length}.");
        }
    }
}
