using System.Diagnostics;
using E2EMessaging.Protocol.Crypto;

namespace E2EMessaging.Protocol.Keys;

/// <summary>
/// A Curve25519 public key, serialized as libsignal does: the type byte 0x05 followed by the 32-byte
/// Montgomery u-coordinate. It both agrees (X25519) and verifies signatures (XEdDSA).
/// </summary>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class PublicKey : IEquatable<PublicKey>
{
    /// <summary>The type byte of a Curve25519 ("DJB") key.</summary>
    public const byte TypeByte = 0x05;

    /// <summary>Length of <see cref="Serialize"/>'s output.</summary>
    public const int SerializedLength = 33;

    private readonly byte[] _serialized;

    /// <summary>The Edwards y-coordinate for signature checks, computed on first use (public data).</summary>
    private byte[]? _edwardsY;

    private PublicKey(byte[] serialized)
    {
        _serialized = serialized;
    }

    /// <summary>The 32 key bytes without the type byte.</summary>
    public ReadOnlySpan<byte> KeyBytes => _serialized.AsSpan(1);

    /// <summary>
    /// Reads 0x05 || 32 bytes. Unlike libsignal, which logs and ignores trailing bytes, this refuses them.
    /// </summary>
    /// <exception cref="ProtocolException">Empty input, a type byte other than 0x05, or a length other than 33.</exception>
    public static PublicKey Deserialize(ReadOnlySpan<byte> serialized)
    {
        if (serialized.IsEmpty)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidKey, "A public key needs a type byte; the input is empty.");
        }

        if (serialized[0] != TypeByte)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidKeyType, $"Unknown public key type 0x{serialized[0]:x2}; expected 0x05.");
        }

        if (serialized.Length != SerializedLength)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidKey, $"A Curve25519 public key is 33 bytes; got {serialized.Length}.");
        }

        return new PublicKey(serialized.ToArray());
    }

    /// <summary>Wraps 32 raw key bytes (no type byte).</summary>
    /// <exception cref="ProtocolException">The length is not 32.</exception>
    public static PublicKey FromKeyBytes(ReadOnlySpan<byte> keyBytes)
    {
        if (keyBytes.Length != X25519.KeyLength)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidKey, $"A Curve25519 public key is 32 bytes without its type byte; got {keyBytes.Length}.");
        }

        var serialized = new byte[SerializedLength];
        serialized[0] = TypeByte;
        keyBytes.CopyTo(serialized.AsSpan(1));
        return new PublicKey(serialized);
    }

    /// <summary>0x05 || 32 bytes, a fresh array.</summary>
    public byte[] Serialize() => (byte[])_serialized.Clone();

    /// <summary>Checks an XEdDSA signature by this key over <paramref name="message"/>. False for any malformed signature.</summary>
    public bool VerifySignature(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        byte[]? edwardsY = _edwardsY;
        if (edwardsY is null)
        {
            var converted = new byte[32];
            if (!XEdDsa.TryConvertToEdwards(KeyBytes, converted))
            {
                return false;
            }

            _edwardsY = edwardsY = converted;
        }

        return XEdDsa.VerifyEdwards(edwardsY, message, signature);
    }

    /// <summary>The serialized form, for use in messages and MAC inputs without a copy.</summary>
    internal ReadOnlySpan<byte> SerializedSpan => _serialized;

    /// <inheritdoc />
    public bool Equals(PublicKey? other) => other is not null && _serialized.AsSpan().SequenceEqual(other._serialized);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as PublicKey);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.AddBytes(_serialized);
        return hash.ToHashCode();
    }

    /// <summary>The key's first bytes in hex, to tell keys apart in logs (public data).</summary>
    public override string ToString() => $"PublicKey({Convert.ToHexStringLower(_serialized, 0, 9)}…)";
}
