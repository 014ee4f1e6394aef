using E2EMessaging.Protocol.Keys;

namespace E2EMessaging.Protocol.PreKeys;

/// <summary>
/// The medium-term Curve25519 prekey, signed by the identity key over its serialized public key (0x05 || 32)
/// and rotated on a schedule. Serializes as libsignal's <c>SignedPreKeyRecordStructure</c>.
/// Disposing it wipes the private key.
/// </summary>
public sealed class SignedPreKeyRecord : IDisposable
{
    /// <summary>Wraps a key pair and its signature. The signature is not checked here; bundles check it.</summary>
    public SignedPreKeyRecord(uint id, ulong timestamp, EcKeyPair keyPair, ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(keyPair);
        Id = id;
        Timestamp = timestamp;
        KeyPair = keyPair;
        Signature = signature.ToArray();
    }

    /// <summary>The signed prekey id.</summary>
    public uint Id { get; }

    /// <summary>When it was generated, in Unix epoch milliseconds (as libsignal stores it).</summary>
    public ulong Timestamp { get; }

    /// <summary>The key pair.</summary>
    public EcKeyPair KeyPair { get; }

    /// <summary>The public key, as published in the bundle.</summary>
    public PublicKey PublicKey => KeyPair.PublicKey;

    /// <summary>The identity key's XEdDSA signature over the serialized public key.</summary>
    public ReadOnlyMemory<byte> Signature { get; }

    /// <summary>Generates a fresh key pair and signs it with <paramref name="identity"/>.</summary>
    public static SignedPreKeyRecord Generate(uint id, ulong timestamp, IdentityKeyPair identity, IRandomSource? random = null)
    {
        ArgumentNullException.ThrowIfNull(identity);
        EcKeyPair keyPair = EcKeyPair.Generate(random);
        byte[] signature = identity.PrivateKey.CalculateSignature(keyPair.PublicKey.SerializedSpan, random);
        return new SignedPreKeyRecord(id, timestamp, keyPair, signature);
    }

    /// <summary>Reads libsignal's <c>SignedPreKeyRecordStructure</c>.</summary>
    /// <exception cref="ProtocolException">Not valid protobuf, a bad or mismatched key, or a signature that is not 64 bytes.</exception>
    public static SignedPreKeyRecord Deserialize(ReadOnlySpan<byte> serialized) => KeyPairs.ReadSigned(
        serialized,
        "signed prekey record",
        structure => new SignedPreKeyRecord(structure.Id, structure.Timestamp, KeyPairs.Read(structure.PublicKey, structure.PrivateKey), structure.Signature.Span));

    /// <summary>libsignal's <c>SignedPreKeyRecordStructure</c>.</summary>
    public byte[] Serialize() => KeyPairs.WriteSigned(Id, Timestamp, PublicKey.SerializedSpan, KeyPair.PrivateKey.Serialize(), Signature);

    /// <summary>Wipes the private key.</summary>
    public void Dispose() => KeyPair.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"SignedPreKeyRecord({Id})";
}
