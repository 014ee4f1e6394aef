using BenchmarkDotNet.Attributes;
using E2EMessaging.Protocol;
using E2EMessaging.Protocol.Crypto;
using E2EMessaging.Protocol.Kem;
using E2EMessaging.Protocol.Keys;
using Org.BouncyCastle.Crypto.Kems;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace E2EMessaging.Benchmarks;

/// <summary>
/// The primitives every session and group message is built from, each on its own: X25519 agreement, XEdDSA
/// sign and verify (libsignal's variant), Kyber-1024 round 3 keygen / encapsulation / decapsulation through
/// the public key types with BouncyCastle 2.7.0's ML-KEM-1024 beside it (the same lattice work; round 3 adds a
/// few hashes), and AES-256-CBC + HMAC-SHA256 over a 160-byte message (the symmetric work of one Signal message).
/// These are the floors that protocol benchmarks are compared against; <see cref="KemBenchmarks"/> has our FIPS 203
/// core on its own.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class PrimitiveBenchmarks
{
    private readonly byte[] _message160 = new byte[160];
    private readonly byte[] _shared = new byte[32];
    private readonly byte[] _signature = new byte[64];
    private readonly byte[] _mac = new byte[32];
    private readonly byte[] _aesKey = new byte[32];
    private readonly byte[] _macKey = new byte[32];
    private readonly byte[] _iv = new byte[16];
    private readonly byte[] _kyberCiphertext = new byte[KyberPublicKey.SerializedLength];
    private readonly byte[] _kyberPublic = new byte[Kyber1024.PublicKeyLength];
    private readonly byte[] _kyberSecret = new byte[Kyber1024.SecretKeyLength];
    private byte[] _bcSeed = [];
    private byte[] _bcCiphertext = [];
    private MLKemEncapsulator _bcEncapsulator = null!;
    private MLKemDecapsulator _bcDecapsulator = null!;
    private PrivateKey _ours = null!;
    private PublicKey _theirs = null!;
    private byte[] _xeddsaSignature = null!;
    private KyberKeyPair _kyber = null!;

    [GlobalSetup]
    public void Setup()
    {
        Random.Shared.NextBytes(_message160);
        Random.Shared.NextBytes(_aesKey);
        Random.Shared.NextBytes(_macKey);
        Random.Shared.NextBytes(_iv);
        _ours = PrivateKey.Generate();
        _theirs = PrivateKey.Generate().GetPublicKey();
        _xeddsaSignature = _ours.CalculateSignature(_message160);
        _kyber = KyberKeyPair.Generate();
        _kyber.PublicKey.Encapsulate(SystemRandomSource.Instance, _kyberCiphertext, _shared);

        _bcSeed = new byte[64];
        Random.Shared.NextBytes(_bcSeed);
        MLKemPrivateKeyParameters bcPrivate = MLKemPrivateKeyParameters.FromSeed(MLKemParameters.ml_kem_1024, _bcSeed);
        _bcEncapsulator = new MLKemEncapsulator(MLKemParameters.ml_kem_1024);
        _bcEncapsulator.Init(new ParametersWithRandom(bcPrivate.GetPublicKey(), new SecureRandom()));
        _bcDecapsulator = new MLKemDecapsulator(MLKemParameters.ml_kem_1024);
        _bcDecapsulator.Init(bcPrivate);
        _bcCiphertext = new byte[_bcEncapsulator.EncapsulationLength];
        _bcEncapsulator.Encapsulate(_bcCiphertext, 0, _bcCiphertext.Length, _shared, 0, _shared.Length);
    }

    [Benchmark(Description = "X25519 agreement")]
    public byte[] X25519Agreement()
    {
        _ours.CalculateAgreement(_theirs, _shared);
        return _shared;
    }

    [Benchmark(Description = "XEdDSA sign (160 B)")]
    public byte[] XEdDsaSign() => _ours.CalculateSignature(_message160);

    [Benchmark(Description = "XEdDSA verify (160 B)")]
    public bool XEdDsaVerify() => _ours.GetPublicKey().VerifySignature(_message160, _xeddsaSignature);

    [Benchmark(Description = "XEdDSA verify, key not yet converted")]
    public bool XEdDsaVerifyFresh() => XEdDsa.Verify(_ours.GetPublicKey().KeyBytes, _message160, _xeddsaSignature);

    [Benchmark(Description = "Kyber-1024 keygen (ours)")]
    public void KyberKeyGen() => Kyber1024.GenerateKeyPair(SystemRandomSource.Instance, _kyberPublic, _kyberSecret);

    [Benchmark(Description = "Kyber-1024 encaps (ours)")]
    public byte[] KyberEncapsulate()
    {
        _kyber.PublicKey.Encapsulate(SystemRandomSource.Instance, _kyberCiphertext, _shared);
        return _shared;
    }

    [Benchmark(Description = "Kyber-1024 decaps (ours)")]
    public byte[] KyberDecapsulate()
    {
        _kyber.SecretKey.Decapsulate(_kyberCiphertext, _shared);
        return _shared;
    }

    [Benchmark(Description = "ML-KEM-1024 keygen (BouncyCastle)")]
    public MLKemPrivateKeyParameters BouncyCastleKeyGen() => MLKemPrivateKeyParameters.FromSeed(MLKemParameters.ml_kem_1024, _bcSeed);

    [Benchmark(Description = "ML-KEM-1024 encaps (BouncyCastle)")]
    public byte[] BouncyCastleEncapsulate()
    {
        _bcEncapsulator.Encapsulate(_bcCiphertext, 0, _bcCiphertext.Length, _shared, 0, _shared.Length);
        return _shared;
    }

    [Benchmark(Description = "ML-KEM-1024 decaps (BouncyCastle)")]
    public byte[] BouncyCastleDecapsulate()
    {
        _bcDecapsulator.Decapsulate(_bcCiphertext, 0, _bcCiphertext.Length, _shared, 0, _shared.Length);
        return _shared;
    }

    [Benchmark(Description = "AES-256-CBC + HMAC-SHA256 (160 B)")]
    public byte[] AesCbcHmac()
    {
        byte[] ciphertext = Aes256Cbc.Encrypt(_aesKey, _iv, _message160);
        Kdf.HmacSha256(_macKey, ciphertext, _mac);
        return _mac;
    }
}
