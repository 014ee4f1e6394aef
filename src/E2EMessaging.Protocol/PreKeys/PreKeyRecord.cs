using System.Security.Cryptography;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.Proto.Storage;
using Google.Protobuf;

namespace E2EMessaging.Protocol.PreKeys;

/// <summary>
/// A one-time Curve25519 prekey: used by one session initiator, then deleted. Serializes as libsignal's
/// <c>PreKeyRecordStructure</c>. Disposing it wipes the private key.
/// </summary>
public sealed class PreKeyRecord : IDisposable
{
    /// <summary>Wraps a key pair under an id.</summary>
    public PreKeyRecord(uint id, EcKeyPair keyPair)
    {
        ArgumentNullException.ThrowIfNull(keyPair);
        Id = id;
        KeyPair = keyPair;
    }

    /// <summary>The prekey id the initiator names in its first message.</summary>
    public uint Id { get; }

    /// <summary>The key pair.</summary>
    public EcKeyPair KeyPair { get; }

    /// <summary>The public key, as published in the bundle.</summary>
    public PublicKey PublicKey => KeyPair.PublicKey;

    /// <summary>Generates a fresh prekey.</summary>
    public static PreKeyRecord Generate(uint id, IRandomSource? random = null) => new(id, EcKeyPair.Generate(random));

    /// <summary>Reads libsignal's <c>PreKeyRecordStructure</c>.</summary>
    /// <exception cref="ProtocolException">Not valid protobuf, or a bad or mismatched key.</exception>
    public static PreKeyRecord Deserialize(ReadOnlySpan<byte> serialized)
    {
        PreKeyRecordStructure structure = ProtobufReader.Parse(PreKeyRecordStructure.Parser, serialized, "prekey record");
        try
        {
            return new PreKeyRecord(structure.Id, KeyPairs.Read(structure.PublicKey, structure.PrivateKey));
        }
        finally
        {
            ProtobufReader.Wipe(structure.PrivateKey);
        }
    }

    /// <summary>libsignal's <c>PreKeyRecordStructure</c>.</summary>
    public byte[] Serialize()
    {
        byte[] privateKey = KeyPair.PrivateKey.Serialize();
        try
        {
            return new PreKeyRecordStructure
            {
                Id = Id,
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
    public void Dispose() => KeyPair.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"PreKeyRecord({Id})";
}
