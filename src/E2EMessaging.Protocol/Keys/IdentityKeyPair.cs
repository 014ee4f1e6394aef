using System.Security.Cryptography;
using E2EMessaging.Protocol.Proto.Storage;
using Google.Protobuf;

namespace E2EMessaging.Protocol.Keys;

/// <summary>
/// A device's long-term identity: a Curve25519 key pair whose public half is the identity key that
/// safety numbers are computed from and that signs the device's prekeys. Disposing it wipes the private key.
/// </summary>
public sealed class IdentityKeyPair : IDisposable
{
    /// <summary>Wraps a private key; the public key is derived from it.</summary>
    public IdentityKeyPair(PrivateKey privateKey)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        PrivateKey = privateKey;
        PublicKey = privateKey.GetPublicKey();
    }

    /// <summary>Pairs a private key with a public key the caller knows belongs to it (a copy of a pair already checked), sparing the derivation.</summary>
    internal IdentityKeyPair(PrivateKey privateKey, PublicKey publicKey)
    {
        PrivateKey = privateKey;
        PublicKey = publicKey;
    }

    /// <summary>The identity key.</summary>
    public PublicKey PublicKey { get; }

    /// <summary>The private identity key.</summary>
    public PrivateKey PrivateKey { get; }

    /// <summary>Generates a fresh identity.</summary>
    public static IdentityKeyPair Generate(IRandomSource? random = null) => new(PrivateKey.Generate(random));

    /// <summary>Reads libsignal's <c>IdentityKeyPairStructure</c>.</summary>
    /// <exception cref="ProtocolException">Not a valid structure, a bad key, or a public key that does not match the private key.</exception>
    public static IdentityKeyPair Deserialize(ReadOnlySpan<byte> serialized)
    {
        IdentityKeyPairStructure structure = ProtobufReader.Parse(IdentityKeyPairStructure.Parser, serialized, "identity key pair");
        try
        {
            PublicKey publicKey = PublicKey.Deserialize(structure.PublicKey.Span);
            var pair = new IdentityKeyPair(PrivateKey.Deserialize(structure.PrivateKey.Span));
            if (!pair.PublicKey.Equals(publicKey))
            {
                pair.Dispose();
                ThrowHelper.Protocol(ProtocolErrorKind.InvalidKey, "The identity key pair's public key does not match its private key.");
            }

            return pair;
        }
        finally
        {
            ProtobufReader.Wipe(structure.PrivateKey);
        }
    }

    /// <summary>libsignal's <c>IdentityKeyPairStructure</c>: the serialized public key and the 32 private key bytes.</summary>
    public byte[] Serialize()
    {
        byte[] privateKey = PrivateKey.Serialize();
        try
        {
            return new IdentityKeyPairStructure
            {
                PublicKey = ByteString.CopyFrom(PublicKey.SerializedSpan),
                PrivateKey = UnsafeByteOperations.UnsafeWrap(privateKey),
            }.ToByteArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
        }
    }

    /// <summary>Wipes the private key.</summary>
    public void Dispose() => PrivateKey.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"IdentityKeyPair({PublicKey})";
}
