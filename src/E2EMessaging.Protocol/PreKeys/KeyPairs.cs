using E2EMessaging.Protocol.Crypto;
using E2EMessaging.Protocol.Keys;
using Google.Protobuf;

namespace E2EMessaging.Protocol.PreKeys;

/// <summary>Shared checks for the stored prekey records.</summary>
internal static class KeyPairs
{
    /// <summary>Reads a stored Curve25519 pair and refuses one whose public key does not belong to its private key.</summary>
    public static EcKeyPair Read(ByteString publicKey, ByteString privateKey)
    {
        PublicKey storedPublic = PublicKey.Deserialize(publicKey.Span);
        var pair = new EcKeyPair(PrivateKey.Deserialize(privateKey.Span));
        if (!pair.PublicKey.Equals(storedPublic))
        {
            pair.Dispose();
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidKey, "The record's public key does not match its private key.");
        }

        return pair;
    }

    public static void CheckSignatureLength(ByteString signature)
    {
        if (signature.Length != XEdDsa.SignatureLength)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidSignature, $"A signature is 64 bytes; got {signature.Length}.");
        }
    }
}
