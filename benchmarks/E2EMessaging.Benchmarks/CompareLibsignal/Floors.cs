using E2EMessaging.Protocol;
using E2EMessaging.Protocol.Crypto;
using E2EMessaging.Protocol.Kem;
using E2EMessaging.Protocol.Keys;

namespace E2EMessaging.Benchmarks.CompareLibsignal;

/// <summary>
/// The floor of each workload: the primitives it cannot avoid, each timed on its own with our implementations
/// (the same ones the sessions call), times how often the workload needs it. Key generation (base and ratchet
/// keys), record and message encoding are left out, so a floor is a lower bound, not a target.
/// </summary>
/// <remarks>
/// The counts follow our code paths (SessionCipher.Setup/Encrypt/Decrypt, Pqxdh, RootKey, ChainKey, MessageKeys,
/// SignalMessage's MAC) and agree with libsignal 0.103's (benchmarks/compare-libsignal/README.md):
/// <list type="bullet">
/// <item>session-setup: X25519 11 (alice: PQXDH 4 + first sending chain 1; bob: PQXDH 4 + DH ratchet step on the
/// first message 2); XEdDSA verify 2 (signed prekey over 33 bytes, Kyber prekey over 1,569 bytes, both when the
/// bundle is built; the identity key's Montgomery → Edwards conversion is needed once, so only the first
/// verification is timed with it); Kyber-1024 1 encaps + 1 decaps; HKDF 7 (2 PQXDH, 3 root-chain steps, 2 message keys);
/// HMAC 6 (2 chain-key steps per side, the MAC computed and verified); AES-256-CBC 1 encrypt + 1 decrypt; and SPQR:
/// the initiator's first send generates the ML-KEM-768 key pair and hashes ek for the header, which it MACs (1 HMAC);
/// each side starts its authenticator (1 HKDF each) and its chain (1 HKDF each) and takes one chain step (1 HKDF
/// each).</item>
/// <item>encrypt-decrypt-160: HKDF 2 (message keys); HMAC 6; AES 1 + 1; SPQR chain step 2 (sending and receiving
/// key).</item>
/// <item>ping-pong (per turn): X25519 2 (receiving chain + new sending chain); HKDF 4 (2 root-chain steps, 2 message
/// keys); HMAC 6; AES 1 + 1; SPQR chain step 2. SPQR's per-epoch work (an ML-KEM-768 key pair, encapsulation and
/// decapsulation, a few HKDFs and MACs, spread over the tens of messages an epoch takes) is not counted: the floor
/// stays a lower bound.</item>
/// <item>group-160 and group-4096 (GroupCipher.EncryptAsync/DecryptAsync, SenderChain, SenderKeyMessage): XEdDSA
/// 1 sign (sender) + 1 verify (receiver) over the message's signed body (the whole serialized SenderKeyMessage but
/// its 64-byte signature: the real length is measured by the workload), the verifying key already in Edwards form (a
/// receiver can cache it); HMAC 4 (SenderChain.NextSendingSeed and ConsumeSeed each compute the message-key seed,
/// HMAC(ck, 0x01), and the next chain key, HMAC(ck, 0x02)); HKDF 2 ("WhisperGroup", 32 B in, 48 B out: IV and AES key,
/// once per side); AES-256-CBC 1 encrypt (size) + 1 decrypt (size rounded up to the next 16-byte block).</item>
/// </list>
/// </remarks>
internal sealed class Floors
{
    public const string X25519Agreement = "x25519-agreement";
    public const string XEdDsaVerify33 = "xeddsa-verify (33 B, signed prekey, incl. Montgomery->Edwards)";
    public const string XEdDsaVerify1569 = "xeddsa-verify (1569 B, Kyber prekey, key already converted)";
    public const string KyberEncaps = "kyber1024-encaps";
    public const string KyberDecaps = "kyber1024-decaps";
    public const string HkdfPqxdh = "hkdf (PQXDH: 192 B in, 96 B out)";
    public const string HkdfRoot = "hkdf (root chain: 32 B in, 32 B salt, 64 B out)";
    public const string HkdfMessage = "hkdf (message keys: 32 B in, 80 B out)";
    public const string HmacChain = "hmac-sha256 (chain step, 1 B)";
    public const string HmacMacSetup = "hmac-sha256 (message MAC, PreKey's inner message)";
    public const string HmacMacWhisper = "hmac-sha256 (message MAC, Whisper message)";
    public const string AesEncrypt = "aes-256-cbc encrypt (160 B)";
    public const string AesDecrypt = "aes-256-cbc decrypt (176 B)";
    public const string XEdDsaSignGroup160 = "xeddsa-sign (group-160 signed body, Edwards key cached)";
    public const string XEdDsaVerifyGroup160 = "xeddsa-verify (group-160 signed body, key already converted)";
    public const string XEdDsaSignGroup4096 = "xeddsa-sign (group-4096 signed body, Edwards key cached)";
    public const string XEdDsaVerifyGroup4096 = "xeddsa-verify (group-4096 signed body, key already converted)";
    public const string HkdfGroup = "hkdf (sender-key message keys, WhisperGroup: 32 B in, 48 B out)";
    public const string AesEncrypt4096 = "aes-256-cbc encrypt (4096 B)";
    public const string AesDecrypt4112 = "aes-256-cbc decrypt (4112 B)";
    public const string MlKem768KeyGen = "ml-kem-768 keygen + H(ek) (SPQR's first encapsulation key)";
    public const string HkdfSpqrAuth = "hkdf (SPQR authenticator: 64 B in, 32 B salt, 64 B out)";
    public const string HkdfSpqrStart = "hkdf (SPQR chain start: 32 B in, 32 B salt, 96 B out)";
    public const string HkdfSpqrStep = "hkdf (SPQR chain step: 32 B in, 32 B salt, 64 B out)";
    public const string HmacSpqrHeader = "hmac-sha256 (SPQR header MAC, 64 B header + label)";

    // Not part of any floor (key generation and signing), reported for the breakdown.
    public const string X25519KeyGen = "x25519 public key from private (keygen, not in floors)";
    public const string KyberKeyGen = "kyber1024-keygen (not in floors)";
    public const string XEdDsaSign = "xeddsa-sign (33 B, not in floors)";

    /// <summary>Per workload: primitive → calls per operation.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Counts = new Dictionary<string, IReadOnlyDictionary<string, int>>
    {
        ["session-setup"] = new Dictionary<string, int>
        {
            [X25519Agreement] = 11,
            [XEdDsaVerify33] = 1,
            [XEdDsaVerify1569] = 1,
            [KyberEncaps] = 1,
            [KyberDecaps] = 1,
            [HkdfPqxdh] = 2,
            [HkdfRoot] = 3,
            [HkdfMessage] = 2,
            [HmacChain] = 4,
            [HmacMacSetup] = 2,
            [AesEncrypt] = 1,
            [AesDecrypt] = 1,
            [MlKem768KeyGen] = 1,
            [HkdfSpqrAuth] = 2,
            [HkdfSpqrStart] = 2,
            [HkdfSpqrStep] = 2,
            [HmacSpqrHeader] = 1,
        },
        ["encrypt-decrypt-160"] = new Dictionary<string, int>
        {
            [HkdfMessage] = 2,
            [HmacChain] = 4,
            [HmacMacWhisper] = 2,
            [AesEncrypt] = 1,
            [AesDecrypt] = 1,
            [HkdfSpqrStep] = 2,
        },
        ["ping-pong"] = new Dictionary<string, int>
        {
            [X25519Agreement] = 2,
            [HkdfRoot] = 2,
            [HkdfMessage] = 2,
            [HmacChain] = 4,
            [HmacMacWhisper] = 2,
            [AesEncrypt] = 1,
            [AesDecrypt] = 1,
            [HkdfSpqrStep] = 2,
        },
        ["group-160"] = new Dictionary<string, int>
        {
            [XEdDsaSignGroup160] = 1,
            [XEdDsaVerifyGroup160] = 1,
            [HmacChain] = 4,
            [HkdfGroup] = 2,
            [AesEncrypt] = 1,
            [AesDecrypt] = 1,
        },
        ["group-4096"] = new Dictionary<string, int>
        {
            [XEdDsaSignGroup4096] = 1,
            [XEdDsaVerifyGroup4096] = 1,
            [HmacChain] = 4,
            [HkdfGroup] = 2,
            [AesEncrypt4096] = 1,
            [AesDecrypt4112] = 1,
        },
    };

    private Floors(Dictionary<string, double> micros)
    {
        Micros = micros;
    }

    /// <summary>µs per call of each primitive.</summary>
    public Dictionary<string, double> Micros { get; }

    /// <summary>The floor of <paramref name="workload"/> in µs per operation.</summary>
    public double Of(string workload) => Counts[workload].Sum(count => count.Value * Micros[count.Key]);

    /// <summary>Times every primitive. The MAC inputs and the group messages' signed bodies are as long as the workloads' real ones.</summary>
    public static Floors Measure(double warmupMs, double budgetMs, int setupMacInputLength, int whisperMacInputLength, int group160SignedLength, int group4096SignedLength, Action<string> progress)
    {
        var random = new Random(42);
        byte[] Bytes(int length)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            return bytes;
        }

        using PrivateKey ours = PrivateKey.Generate();
        using PrivateKey theirs = PrivateKey.Generate();
        byte[] ourKey = ours.Serialize();
        byte[] theirPublic = theirs.GetPublicKey().KeyBytes.ToArray();
        byte[] shared = new byte[32];

        byte[] signedPreKey = theirs.GetPublicKey().Serialize();
        byte[] signedPreKeySignature = ours.CalculateSignature(signedPreKey);
        byte[] kyberPublic = new byte[Kyber1024.PublicKeyLength];
        byte[] kyberSecret = new byte[Kyber1024.SecretKeyLength];
        Kyber1024.GenerateKeyPair(SystemRandomSource.Instance, kyberPublic, kyberSecret);
        byte[] kyberPreKey = [KyberPublicKey.TypeByte, .. kyberPublic];
        byte[] kyberPreKeySignature = ours.CalculateSignature(kyberPreKey);
        byte[] identityMontgomery = ours.GetPublicKey().KeyBytes.ToArray();
        byte[] identityEdwards = new byte[32];
        Require(XEdDsa.TryConvertToEdwards(identityMontgomery, identityEdwards));
        byte[] kyberCiphertext = new byte[Kyber1024.CiphertextLength];
        Kyber1024.Encapsulate(kyberPublic, SystemRandomSource.Instance, kyberCiphertext, shared);

        byte[] pqxdhInput = Bytes(32 * 6);
        byte[] key32 = Bytes(32);
        byte[] salt32 = Bytes(32);
        byte[] hkdfOutput = new byte[96];
        byte[] pqxdhInfo = "WhisperText_X25519_SHA-256_CRYSTALS-KYBER-1024"u8.ToArray();
        byte[] rootInfo = "WhisperRatchet"u8.ToArray();
        byte[] messageInfo = "WhisperMessageKeys"u8.ToArray();
        byte[] one = [0x01];
        byte[] mac = new byte[32];
        byte[] setupMacInput = Bytes(setupMacInputLength);
        byte[] whisperMacInput = Bytes(whisperMacInputLength);
        byte[] iv = Bytes(16);
        byte[] plaintext = Bytes(160);
        byte[] ciphertext = Aes256Cbc.Encrypt(key32, iv, plaintext);
        byte[] publicOut = new byte[32];

        // SPQR: the first send generates the ML-KEM-768 key pair; chains and the authenticator use HKDF with a zero salt.
        byte[] mlKemSeed = Bytes(64);
        byte[] mlKemEk = new byte[MlKemParameters.MlKem768.EncapsulationKeyLength];
        byte[] mlKemDk = new byte[MlKemParameters.MlKem768.DecapsulationKeyLength];
        byte[] key64 = Bytes(64);
        byte[] salt0 = new byte[32];
        byte[] authInfo = Bytes(54);
        byte[] startInfo = "Signal PQ Ratchet V1 Chain  Start"u8.ToArray();
        byte[] stepInfo = Bytes(4 + 31);
        byte[] spqrHeaderMacInput = Bytes(64 + 40);

        // Group messages: a sender key signs the serialized message body and the receiver verifies it with the key
        // already in Edwards form. The private key object keeps its Edwards public key after the first signature.
        using PrivateKey senderKey = PrivateKey.Generate();
        byte[] senderEdwards = new byte[32];
        Require(XEdDsa.TryConvertToEdwards(senderKey.GetPublicKey().KeyBytes, senderEdwards));
        byte[] groupBody160 = Bytes(group160SignedLength);
        byte[] groupSignature160 = senderKey.CalculateSignature(groupBody160);
        byte[] groupBody4096 = Bytes(group4096SignedLength);
        byte[] groupSignature4096 = senderKey.CalculateSignature(groupBody4096);
        byte[] groupInfo = "WhisperGroup"u8.ToArray();
        byte[] plaintext4096 = Bytes(4096);
        byte[] ciphertext4112 = Aes256Cbc.Encrypt(key32, iv, plaintext4096);

        var primitives = new (string Name, Action Run)[]
        {
            (X25519Agreement, () => X25519.TryAgree(ourKey, theirPublic, shared)),
            (XEdDsaVerify33, () => Require(XEdDsa.Verify(identityMontgomery, signedPreKey, signedPreKeySignature))),
            (XEdDsaVerify1569, () => Require(XEdDsa.VerifyEdwards(identityEdwards, kyberPreKey, kyberPreKeySignature))),
            (KyberEncaps, () => Kyber1024.Encapsulate(kyberPublic, SystemRandomSource.Instance, kyberCiphertext, shared)),
            (KyberDecaps, () => Kyber1024.Decapsulate(kyberSecret, kyberCiphertext, shared)),
            (HkdfPqxdh, () => Kdf.Hkdf(pqxdhInput, [], pqxdhInfo, hkdfOutput.AsSpan(0, 96))),
            (HkdfRoot, () => Kdf.Hkdf(key32, salt32, rootInfo, hkdfOutput.AsSpan(0, 64))),
            (HkdfMessage, () => Kdf.Hkdf(key32, [], messageInfo, hkdfOutput.AsSpan(0, 80))),
            (HmacChain, () => Kdf.HmacSha256(key32, one, mac)),
            (HmacMacSetup, () => Kdf.HmacSha256(key32, setupMacInput, mac)),
            (HmacMacWhisper, () => Kdf.HmacSha256(key32, whisperMacInput, mac)),
            (AesEncrypt, () => Aes256Cbc.Encrypt(key32, iv, plaintext)),
            (AesDecrypt, () => Require(Aes256Cbc.TryDecrypt(key32, iv, ciphertext, out _))),
            (XEdDsaSignGroup160, () => senderKey.CalculateSignature(groupBody160)),
            (XEdDsaVerifyGroup160, () => Require(XEdDsa.VerifyEdwards(senderEdwards, groupBody160, groupSignature160))),
            (XEdDsaSignGroup4096, () => senderKey.CalculateSignature(groupBody4096)),
            (XEdDsaVerifyGroup4096, () => Require(XEdDsa.VerifyEdwards(senderEdwards, groupBody4096, groupSignature4096))),
            (HkdfGroup, () => Kdf.Hkdf(key32, [], groupInfo, hkdfOutput.AsSpan(0, 48))),
            (AesEncrypt4096, () => Aes256Cbc.Encrypt(key32, iv, plaintext4096)),
            (AesDecrypt4112, () => Require(Aes256Cbc.TryDecrypt(key32, iv, ciphertext4112, out _))),
            (MlKem768KeyGen, () =>
            {
                MlKem.GenerateKeyPair(MlKemParameters.MlKem768, mlKemSeed.AsSpan(0, 32), mlKemSeed.AsSpan(32), mlKemEk, mlKemDk, MlKemVariant.Fips203);
                Keccak.Sha3_256(mlKemEk, shared);
            }),
            (HkdfSpqrAuth, () => Kdf.Hkdf(key64, salt0, authInfo, hkdfOutput.AsSpan(0, 64))),
            (HkdfSpqrStart, () => Kdf.Hkdf(key32, salt0, startInfo, hkdfOutput.AsSpan(0, 96))),
            (HkdfSpqrStep, () => Kdf.Hkdf(key32, salt0, stepInfo, hkdfOutput.AsSpan(0, 64))),
            (HmacSpqrHeader, () => Kdf.HmacSha256(key32, spqrHeaderMacInput, mac)),
            (X25519KeyGen, () => X25519.DerivePublicKey(ourKey, publicOut)),
            (KyberKeyGen, () => Kyber1024.GenerateKeyPair(SystemRandomSource.Instance, kyberPublic, kyberSecret)),
            (XEdDsaSign, () => ours.CalculateSignature(signedPreKey)),
        };

        var micros = new Dictionary<string, double>();
        foreach ((string name, Action run) in primitives)
        {
            micros[name] = Harness.MeasurePrimitive(run, warmupMs, budgetMs);
            progress($"{name}: {micros[name]:F3} µs");
        }

        return new Floors(micros);
    }

    private static void Require(bool ok)
    {
        if (!ok)
        {
            throw new InvalidOperationException("A primitive failed while it was being timed.");
        }
    }
}
