using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using E2EMessaging.Protocol.Crypto;
using E2EMessaging.Protocol.Proto.Spqr;
using Google.Protobuf;

namespace E2EMessaging.Protocol.Spqr;

/// <summary>
/// The ML-KEM Braid authenticator (signal.org/docs/specifications/mlkembraid, "Authentication"): a root key and
/// a MAC key, both 32 bytes. The shared authentication key, and then every epoch's secret, is mixed into the
/// root key; the MAC key authenticates the encapsulation key header and the ciphertext of each epoch, so that
/// an active attacker without the keys cannot inject either. Immutable: <see cref="Update"/> returns a new one.
/// </summary>
/// <remarks>
/// Labels and layouts are those of SPQR v1.5.3 (facts, for interoperability):
/// update: (root, mac) = HKDF-SHA256(salt = 32 zero bytes, ikm = root || key,
///   info = "Signal_PQCKA_V1_MLKEM768:Authenticator Update" || epoch as 8 bytes big-endian), 64 bytes split 32/32;
/// the first authenticator starts from all-zero keys and is updated with the authentication key at epoch 1;
/// header MAC = HMAC-SHA256(mac, "Signal_PQCKA_V1_MLKEM768:ekheader" || epoch (8 bytes BE) || header);
/// ciphertext MAC = HMAC-SHA256(mac, "Signal_PQCKA_V1_MLKEM768:ciphertext" || epoch (8 bytes BE) || ct1 || ct2).
/// </remarks>
internal sealed class Authenticator
{
    /// <summary>Bytes of a MAC (a full HMAC-SHA256 output).</summary>
    public const int MacLength = 32;

    /// <summary>Bytes of the root key and of the MAC key.</summary>
    public const int KeyLength = 32;

    private static readonly byte[] UpdateLabel = Encoding.ASCII.GetBytes("Signal_PQCKA_V1_MLKEM768:Authenticator Update");
    private static readonly byte[] HeaderLabel = Encoding.ASCII.GetBytes("Signal_PQCKA_V1_MLKEM768:ekheader");
    private static readonly byte[] CiphertextLabel = Encoding.ASCII.GetBytes("Signal_PQCKA_V1_MLKEM768:ciphertext");

    // SPQR's HKDF salt: 32 zero bytes (RFC 5869 treats an absent salt the same way).
    internal static readonly byte[] ZeroSalt = new byte[32];

    // Never written after construction: authenticators are shared between successive immutable states.
    private readonly byte[] _rootKey;
    private readonly byte[] _macKey;

    private Authenticator(byte[] rootKey, byte[] macKey)
    {
        _rootKey = rootKey;
        _macKey = macKey;
    }

    /// <summary>The authenticator both parties start with: all-zero keys updated with the shared authentication key at epoch 1.</summary>
    public static Authenticator Create(ReadOnlySpan<byte> authKey) =>
        new Authenticator(new byte[KeyLength], new byte[KeyLength]).Update(1, authKey);

    /// <summary>Mixes <paramref name="key"/> (the authentication key, or an epoch secret) into the keys for <paramref name="epoch"/>.</summary>
    public Authenticator Update(ulong epoch, ReadOnlySpan<byte> key)
    {
        byte[] ikm = new byte[KeyLength + key.Length];
        Span<byte> output = stackalloc byte[2 * KeyLength];
        try
        {
            _rootKey.CopyTo(ikm, 0);
            key.CopyTo(ikm.AsSpan(KeyLength));
            Kdf.Hkdf(ikm, ZeroSalt, LabelWithEpoch(UpdateLabel, epoch, []), output);
            return new Authenticator(output.Slice(0, KeyLength).ToArray(), output.Slice(KeyLength).ToArray());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ikm);
            CryptographicOperations.ZeroMemory(output);
        }
    }

    public byte[] MacHeader(ulong epoch, ReadOnlySpan<byte> header) => Mac(HeaderLabel, epoch, header);

    public byte[] MacCiphertext(ulong epoch, ReadOnlySpan<byte> ciphertext) => Mac(CiphertextLabel, epoch, ciphertext);

    /// <summary>Constant-time check of a header MAC.</summary>
    public bool VerifyHeader(ulong epoch, ReadOnlySpan<byte> header, ReadOnlySpan<byte> mac) =>
        CryptographicOperations.FixedTimeEquals(MacHeader(epoch, header), mac);

    /// <summary>Constant-time check of a ciphertext MAC.</summary>
    public bool VerifyCiphertext(ulong epoch, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> mac) =>
        CryptographicOperations.FixedTimeEquals(MacCiphertext(epoch, ciphertext), mac);

    public AuthenticatorState ToProto() => new()
    {
        RootKey = ByteString.CopyFrom(_rootKey),
        MacKey = ByteString.CopyFrom(_macKey),
    };

    /// <summary>
    /// Reads a persisted authenticator. SPQR accepts keys of any length; we require the 32 bytes it always
    /// writes, and throw <see cref="ProtocolException"/> (<see cref="ProtocolErrorKind.InvalidEncoding"/>) otherwise.
    /// </summary>
    public static Authenticator FromProto(AuthenticatorState? state)
    {
        if (state is null || state.RootKey.Length != KeyLength || state.MacKey.Length != KeyLength)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidEncoding, "The SPQR authenticator state is malformed.");
        }

        return new Authenticator(state.RootKey.ToByteArray(), state.MacKey.ToByteArray());
    }

    /// <summary>The type name only: the authenticator holds keys.</summary>
    public override string ToString() => nameof(Authenticator);

    private byte[] Mac(byte[] label, ulong epoch, ReadOnlySpan<byte> data)
    {
        var mac = new byte[MacLength];
        Kdf.HmacSha256(_macKey, LabelWithEpoch(label, epoch, data), mac);
        return mac;
    }

    private static byte[] LabelWithEpoch(byte[] label, ulong epoch, ReadOnlySpan<byte> data)
    {
        var buffer = new byte[label.Length + sizeof(ulong) + data.Length];
        label.CopyTo(buffer, 0);
        BinaryPrimitives.WriteUInt64BigEndian(buffer.AsSpan(label.Length), epoch);
        data.CopyTo(buffer.AsSpan(label.Length + sizeof(ulong)));
        return buffer;
    }
}
