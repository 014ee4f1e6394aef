using System.Text;
using E2EMessaging.Protocol.Fingerprints;
using E2EMessaging.Protocol.Keys;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Fingerprints;

public sealed class FingerprintTests
{
    // Known answers from libsignal's fingerprint tests (testVectorsVersion1/2 in libsignal-protocol-java):
    // two phone-number identities, 5,200 iterations.
    private static readonly PublicKey AliceIdentity = PublicKey.Deserialize(Convert.FromHexString("0506863bc66d02b40d27b8d49ca7c09e9239236f9d7d25d6fcca5ce13c7064d868"));
    private static readonly PublicKey BobIdentity = PublicKey.Deserialize(Convert.FromHexString("05f781b6fb32fed9ba1cf2de978d4d5da28dc34046ae814402b5c0dbd96fda907b"));
    private static readonly byte[] AliceId = Encoding.UTF8.GetBytes("+14152222222");
    private static readonly byte[] BobId = Encoding.UTF8.GetBytes("+14153333333");

    private const string Displayable = "300354477692869396892869876765458257569162576843440918079131";
    private const string AliceHash = "1e301a0353dce3dbe7684cb8336e85136cdc0ee96219494ada305d62a7bd61df";
    private const string BobHash = "d62cbf73a11592015b6b9f1682ac306fea3aaf3885b84d12bca631e9d4fb3a4d";

    [Theory]
    [InlineData(1u)]
    [InlineData(2u)]
    public void Libsignal_vectors(uint version)
    {
        Fingerprint alice = Fingerprint.Create(version, 5200, AliceId, AliceIdentity, BobId, BobIdentity);
        Fingerprint bob = Fingerprint.Create(version, 5200, BobId, BobIdentity, AliceId, AliceIdentity);

        Assert.Equal(Displayable, alice.DisplayString);
        Assert.Equal(Displayable, bob.DisplayString);
        Assert.Equal($"080{version}12220a20{AliceHash}1a220a20{BobHash}", Convert.ToHexStringLower(alice.GetScannableEncoding()));
        Assert.Equal($"080{version}12220a20{BobHash}1a220a20{AliceHash}", Convert.ToHexStringLower(bob.GetScannableEncoding()));

        Assert.True(alice.CompareScannable(bob.GetScannableEncoding()));
        Assert.True(bob.CompareScannable(alice.GetScannableEncoding()));
        Assert.False(alice.CompareScannable(alice.GetScannableEncoding()));
    }

    [Fact]
    public void A_different_identity_does_not_match()
    {
        PublicKey mallory = PrivateKey.Generate().GetPublicKey();
        Fingerprint alice = Fingerprint.Create(2, 5200, AliceId, AliceIdentity, BobId, BobIdentity);
        Fingerprint bobSeesMallory = Fingerprint.Create(2, 5200, BobId, BobIdentity, AliceId, mallory);
        Assert.NotEqual(alice.DisplayString, bobSeesMallory.DisplayString);
        Assert.False(alice.CompareScannable(bobSeesMallory.GetScannableEncoding()));
    }

    [Fact]
    public void Version_mismatch_and_garbage_are_typed_errors()
    {
        Fingerprint v1 = Fingerprint.Create(1, 5200, AliceId, AliceIdentity, BobId, BobIdentity);
        Fingerprint v2 = Fingerprint.Create(2, 5200, BobId, BobIdentity, AliceId, AliceIdentity);
        Assert.Equal(ProtocolErrorKind.FingerprintVersionMismatch, Assert.Throws<ProtocolException>(() => v1.CompareScannable(v2.GetScannableEncoding())).Kind);
        Assert.Equal(ProtocolErrorKind.InvalidEncoding, Assert.Throws<ProtocolException>(() => v1.CompareScannable([0xFF, 0xFF, 0xFF])).Kind);
        Assert.Equal(ProtocolErrorKind.InvalidEncoding, Assert.Throws<ProtocolException>(() => v1.CompareScannable([0x08, 0x01])).Kind);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(1_000_001)]
    public void Iteration_counts_outside_libsignal_range_are_refused(int iterations)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Fingerprint.Create(2, iterations, AliceId, AliceIdentity, BobId, BobIdentity));
    }
}
