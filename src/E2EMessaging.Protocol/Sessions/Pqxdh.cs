using System.Security.Cryptography;
using E2EMessaging.Protocol.Crypto;
using E2EMessaging.Protocol.Keys;

namespace E2EMessaging.Protocol.Sessions;

/// <summary>
/// PQXDH (signal.org/docs/specifications/pqxdh) with X25519, SHA-256 and round-3 Kyber-1024, as libsignal 0.103
/// runs it. The secret input is 32 bytes of 0xFF ‖ DH1 ‖ DH2 ‖ DH3 [‖ DH4] ‖ the Kyber shared secret, and
/// HKDF-SHA256 without salt turns it into the root key, the first chain key and the SPQR authentication key.
/// </summary>
internal static class Pqxdh
{
    /// <summary>Root key ‖ chain key ‖ SPQR key.</summary>
    public const int OutputLength = 96;

    private static ReadOnlySpan<byte> Info => "WhisperText_X25519_SHA-256_CRYSTALS-KYBER-1024"u8;

    /// <summary>
    /// The initiator's side: DH1 = DH(IK_A, SPK_B), DH2 = DH(EK_A, IK_B), DH3 = DH(EK_A, SPK_B), DH4 = DH(EK_A, OPK_B),
    /// and a fresh Kyber encapsulation to PQPK_B, whose serialized ciphertext goes to <paramref name="kyberCiphertext"/>.
    /// </summary>
    public static void Initiate(
        IdentityKeyPair ourIdentity,
        EcKeyPair ourBaseKey,
        PublicKey theirIdentity,
        PublicKey theirSignedPreKey,
        PublicKey? theirOneTimePreKey,
        KyberPublicKey theirKyberPreKey,
        IRandomSource random,
        Span<byte> kyberCiphertext,
        Span<byte> output)
    {
        Span<byte> secrets = stackalloc byte[32 * 6];
        try
        {
            secrets[..32].Fill(0xFF);
            int length = 32;
            ourIdentity.PrivateKey.CalculateAgreement(theirSignedPreKey, secrets.Slice(length, 32));
            length += 32;
            ourBaseKey.PrivateKey.CalculateAgreement(theirIdentity, secrets.Slice(length, 32));
            length += 32;
            ourBaseKey.PrivateKey.CalculateAgreement(theirSignedPreKey, secrets.Slice(length, 32));
            length += 32;
            if (theirOneTimePreKey is not null)
            {
                ourBaseKey.PrivateKey.CalculateAgreement(theirOneTimePreKey, secrets.Slice(length, 32));
                length += 32;
            }

            theirKyberPreKey.Encapsulate(random, kyberCiphertext, secrets.Slice(length, 32));
            length += 32;
            Kdf.Hkdf(secrets[..length], [], Info, output[..OutputLength]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secrets);
        }
    }

    /// <summary>
    /// The recipient's side, mirroring <see cref="Initiate"/>. Refuses a base key that is not a canonical,
    /// torsion-free point, as libsignal does.
    /// </summary>
    public static void Accept(
        IdentityKeyPair ourIdentity,
        EcKeyPair ourSignedPreKey,
        EcKeyPair? ourOneTimePreKey,
        KyberSecretKey ourKyberPreKey,
        PublicKey theirIdentity,
        PublicKey theirBaseKey,
        ReadOnlySpan<byte> kyberCiphertext,
        Span<byte> output)
    {
        if (!XEdDsa.IsCanonicalMontgomeryPoint(theirBaseKey.KeyBytes))
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidMessage, "The incoming base key is not a canonical point of the prime-order subgroup.");
        }

        Span<byte> secrets = stackalloc byte[32 * 6];
        try
        {
            secrets[..32].Fill(0xFF);
            int length = 32;
            ourSignedPreKey.PrivateKey.CalculateAgreement(theirIdentity, secrets.Slice(length, 32));
            length += 32;
            ourIdentity.PrivateKey.CalculateAgreement(theirBaseKey, secrets.Slice(length, 32));
            length += 32;
            ourSignedPreKey.PrivateKey.CalculateAgreement(theirBaseKey, secrets.Slice(length, 32));
            length += 32;
            if (ourOneTimePreKey is not null)
            {
                ourOneTimePreKey.PrivateKey.CalculateAgreement(theirBaseKey, secrets.Slice(length, 32));
                length += 32;
            }

            ourKyberPreKey.Decapsulate(kyberCiphertext, secrets.Slice(length, 32));
            length += 32;
            Kdf.Hkdf(secrets[..length], [], Info, output[..OutputLength]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secrets);
        }
    }
}
