using Org.BouncyCastle.Crypto.Kems;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using OurParameters = E2EMessaging.Protocol.Kem.MlKemParameters;

namespace E2EMessaging.Protocol.Tests.Kem;

/// <summary>BouncyCastle 2.7.0's ML-KEM driven deterministically, as an independent oracle.</summary>
internal static class BouncyCastleMlKem
{
    public static MLKemParameters Parameters(OurParameters p) => p.K switch
    {
        2 => MLKemParameters.ml_kem_512,
        3 => MLKemParameters.ml_kem_768,
        4 => MLKemParameters.ml_kem_1024,
        _ => throw new ArgumentOutOfRangeException(nameof(p)),
    };

    /// <summary>Key generation from d || z (FIPS 203 Algorithm 16 seed).</summary>
    public static (byte[] Ek, byte[] Dk) GenerateKeyPair(OurParameters p, byte[] d, byte[] z)
    {
        MLKemPrivateKeyParameters privateKey = MLKemPrivateKeyParameters.FromSeed(Parameters(p), [.. d, .. z]);
        return (privateKey.GetPublicKeyEncoded(), privateKey.GetEncoded());
    }

    /// <summary>Encapsulation whose 32 random bytes are <paramref name="m"/>.</summary>
    public static (byte[] Ciphertext, byte[] Key) Encapsulate(OurParameters p, byte[] ek, byte[] m)
    {
        var encapsulator = new MLKemEncapsulator(Parameters(p));
        encapsulator.Init(new ParametersWithRandom(MLKemPublicKeyParameters.FromEncoding(Parameters(p), ek), new FixedSecureRandom(m)));
        byte[] ciphertext = new byte[encapsulator.EncapsulationLength];
        byte[] key = new byte[encapsulator.SecretLength];
        encapsulator.Encapsulate(ciphertext, 0, ciphertext.Length, key, 0, key.Length);
        return (ciphertext, key);
    }

    public static byte[] Decapsulate(OurParameters p, byte[] dk, byte[] ciphertext)
    {
        var decapsulator = new MLKemDecapsulator(Parameters(p));
        decapsulator.Init(MLKemPrivateKeyParameters.FromEncoding(Parameters(p), dk));
        byte[] key = new byte[decapsulator.SecretLength];
        decapsulator.Decapsulate(ciphertext, 0, ciphertext.Length, key, 0, key.Length);
        return key;
    }

    /// <summary>A SecureRandom that hands out the given bytes, in order, and nothing else.</summary>
    internal sealed class FixedSecureRandom(byte[] bytes) : SecureRandom
    {
        private int _offset;

        public override void NextBytes(byte[] buf) => NextBytes(buf.AsSpan());

        public override void NextBytes(byte[] buf, int off, int len) => NextBytes(buf.AsSpan(off, len));

        public override void NextBytes(Span<byte> buffer)
        {
            bytes.AsSpan(_offset, buffer.Length).CopyTo(buffer);
            _offset += buffer.Length;
        }
    }
}
