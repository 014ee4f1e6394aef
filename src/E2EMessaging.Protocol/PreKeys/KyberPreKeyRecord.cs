using E2EMessaging.Protocol.Keys;

namespace E2EMessaging.Protocol.PreKeys;

/// <summary>
/// A Kyber-1024 prekey, signed by the identity key over its serialized public key (0x08 || 1,568). One-time
/// Kyber prekeys are deleted after use; a last-resort one may be reused. Serializes as libsignal does, in the
/// <c>SignedPreKeyRecordStructure</c> shape. Disposing it wipes the secret key.
/// </summary>
public sealed class KyberPreKeyRecord : IDisposable
{
    /// <summary>Wraps a key pair and its signature. The signature is not checked here; bundles check it.</summary>
    public KyberPreKeyRecord(uint id, ulong timestamp, KyberKeyPair keyPair, ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(keyPair);
        Id = id;
        Timestamp = timestamp;
        KeyPair = keyPair;
        Signature = signature.ToArray();
    }

    /// <summary>The Kyber prekey id.</summary>
    public uint Id { get; }

    /// <summary>When it was generated, in Unix epoch milliseconds.</summary>
    public ulong Timestamp { get; }

    /// <summary>The key pair.</summary>
    public KyberKeyPair KeyPair { get; }

    /// <summary>The public key, as published in the bundle.</summary>
    public KyberPublicKey PublicKey => KeyPair.PublicKey;

    /// <summary>The identity key's XEdDSA signature over the serialized public key.</summary>
    public ReadOnlyMemory<byte> Signature { get; }

    /// <summary>Generates a fresh Kyber-1024 key pair and signs it with <paramref name="identity"/>.</summary>
    public static KyberPreKeyRecord Generate(uint id, ulong timestamp, IdentityKeyPair identity, IRandomSource? random = null)
    {
        ArgumentNullException.ThrowIfNull(identity);
        KyberKeyPair keyPair = KyberKeyPair.Generate(random);
        byte[] signature = identity.PrivateKey.CalculateSignature(keyPair.PublicKey.SerializedSpan, random);
        return new KyberPreKeyRecord(id, timestamp, keyPair, signature);
    }

    /// <summary>Reads the stored form.</summary>
    /// <exception cref="ProtocolException">Not valid protobuf, a bad or mismatched key, or a signature that is not 64 bytes.</exception>
    public static KyberPreKeyRecord Deserialize(ReadOnlySpan<byte> serialized) => KeyPairs.ReadSigned(
        serialized,
        "Kyber prekey record",
        structure =>
        {
            KyberPublicKey publicKey = KyberPublicKey.Deserialize(structure.PublicKey.Span);
            KyberSecretKey secretKey = KyberSecretKey.Deserialize(structure.PrivateKey.Span);
            try
            {
                return new KyberPreKeyRecord(structure.Id, structure.Timestamp, new KyberKeyPair(publicKey, secretKey), structure.Signature.Span);
            }
            catch
            {
                secretKey.Dispose();
                throw;
            }
        });

    /// <summary>The stored form (libsignal's <c>SignedPreKeyRecordStructure</c> with the Kyber keys).</summary>
    public byte[] Serialize() => KeyPairs.WriteSigned(Id, Timestamp, PublicKey.SerializedSpan, KeyPair.SecretKey.Serialize(), Signature);

    /// <summary>Wipes the secret key.</summary>
    public void Dispose() => KeyPair.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"KyberPreKeyRecord({Id})";
}
