using E2EMessaging.Protocol.Crypto;
using System.Security.Cryptography;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.Proto.Storage;
using Google.Protobuf;

namespace E2EMessaging.Protocol.PreKeys;

/// <summary>Shared reading and writing of the stored prekey records.</summary>
internal static class KeyPairs
{
    /// <summary>
    /// Parses a <c>SignedPreKeyRecordStructure</c> (the shape of both signed EC and Kyber prekey records), checks the
    /// signature length, builds the record, and wipes the parsed copy of the private key whatever happens.
    /// </summary>
    public static T ReadSigned<T>(ReadOnlySpan<byte> serialized, string what, Func<SignedPreKeyRecordStructure, T> build)
    {
        SignedPreKeyRecordStructure structure = ProtobufReader.Parse(SignedPreKeyRecordStructure.Parser, serialized, what);
        try
        {
            CheckSignatureLength(structure.Signature);
            return build(structure);
        }
        finally
        {
            ProtobufReader.Wipe(structure.PrivateKey);
        }
    }

    /// <summary>Writes a <c>SignedPreKeyRecordStructure</c>, then wipes <paramref name="privateKey"/> (the caller's fresh copy).</summary>
    public static byte[] WriteSigned(uint id, ulong timestamp, ReadOnlySpan<byte> publicKey, byte[] privateKey, ReadOnlyMemory<byte> signature)
    {
        try
        {
            return new SignedPreKeyRecordStructure
            {
                Id = id,
                Timestamp = timestamp,
                PublicKey = ByteString.CopyFrom(publicKey),
                PrivateKey = UnsafeByteOperations.UnsafeWrap(privateKey),
                Signature = ByteString.CopyFrom(signature.Span),
            }.ToByteArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
        }
    }

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
