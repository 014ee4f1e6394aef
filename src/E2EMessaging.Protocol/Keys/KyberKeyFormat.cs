using E2EMessaging.Protocol.Kem;

namespace E2EMessaging.Protocol.Keys;

/// <summary>The type-byte rules shared by Kyber public and secret keys.</summary>
internal static class KyberKeyFormat
{
    private const byte MlKem1024TypeByte = 0x0A;

    public static void CheckTypeByte(ReadOnlySpan<byte> serialized, string which)
    {
        if (serialized.IsEmpty)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidKey, $"A Kyber {which} key needs a type byte; the input is empty.");
        }

        if (serialized[0] == MlKem1024TypeByte)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidKeyType, "ML-KEM-1024 keys (type 0x0a) are not accepted: libsignal 0.103 uses round-3 Kyber-1024 (type 0x08).");
        }

        if (serialized[0] != KyberPublicKey.TypeByte)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidKeyType, $"Unknown KEM key type 0x{serialized[0]:x2}; expected 0x08 (Kyber-1024).");
        }
    }
}
