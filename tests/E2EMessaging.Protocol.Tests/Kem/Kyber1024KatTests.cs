using E2EMessaging.Protocol.Kem;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Kem;

/// <summary>
/// The CRYSTALS-Kyber-1024 round-3 NIST known answers (kyber1024-r3-PQCkemKAT_3168.rsp, 100 entries, from the
/// round-3 submission package via kyber-py's assets). Each entry's 48-byte seed drives NIST's AES-256 CTR DRBG,
/// drawn in the reference order: d (32 bytes), z (32), then m (32) for encapsulation.
/// </summary>
public sealed class Kyber1024KatTests
{
    public static TheoryData<int> Counts => new(Enumerable.Range(0, 100));

    [Theory]
    [MemberData(nameof(Counts))]
    public void KnownAnswer(int count)
    {
        Dictionary<string, string> entry = KemVectors.KyberKat[count];
        Assert.Equal(count.ToString(System.Globalization.CultureInfo.InvariantCulture), entry["count"]);
        using var drbg = new NistCtrDrbg(Convert.FromHexString(entry["seed"]));

        byte[] publicKey = new byte[Kyber1024.PublicKeyLength];
        byte[] secretKey = new byte[Kyber1024.SecretKeyLength];
        Kyber1024.GenerateKeyPair(drbg, publicKey, secretKey);
        Assert.Equal(Convert.FromHexString(entry["pk"]), publicKey);
        Assert.Equal(Convert.FromHexString(entry["sk"]), secretKey);

        byte[] ciphertext = new byte[Kyber1024.CiphertextLength];
        byte[] sharedSecret = new byte[Kyber1024.SharedSecretLength];
        Kyber1024.Encapsulate(publicKey, drbg, ciphertext, sharedSecret);
        Assert.Equal(Convert.FromHexString(entry["ct"]), ciphertext);
        Assert.Equal(Convert.FromHexString(entry["ss"]), sharedSecret);

        byte[] decapsulated = new byte[Kyber1024.SharedSecretLength];
        Kyber1024.Decapsulate(Convert.FromHexString(entry["sk"]), Convert.FromHexString(entry["ct"]), decapsulated);
        Assert.Equal(Convert.FromHexString(entry["ss"]), decapsulated);
    }

    [Fact]
    public void AllHundredEntriesArePresent() => Assert.Equal(100, KemVectors.KyberKat.Count);
}
