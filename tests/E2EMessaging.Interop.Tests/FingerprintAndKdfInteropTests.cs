using System.Text;
using E2EMessaging.Protocol.Crypto;
using E2EMessaging.Protocol.Fingerprints;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Interop.Tests.NodeHost;
using Xunit;

namespace E2EMessaging.Interop.Tests;

/// <summary>Safety numbers and HKDF computed by both libraries on random inputs.</summary>
[Collection("libsignal")]
public sealed class FingerprintAndKdfInteropTests(NodePeerFixture fixture)
{
    private readonly NodePeer _peer = fixture.Peer;

    [Fact]
    public async Task Fingerprints_are_identical()
    {
        var random = new Random(11);
        for (int i = 0; i < 30; i++)
        {
            PublicKey localKey = PrivateKey.Generate().GetPublicKey();
            PublicKey remoteKey = PrivateKey.Generate().GetPublicKey();
            byte[] localId = Encoding.UTF8.GetBytes(Guid.NewGuid().ToString());
            byte[] remoteId = new byte[random.Next(1, 40)];
            random.NextBytes(remoteId);
            uint version = (uint)(i % 2) + 1;
            int iterations = i % 3 == 0 ? 5200 : random.Next(2, 3000);

            Fingerprint ours = Fingerprint.Create(version, iterations, localId, localKey, remoteId, remoteKey);
            var theirs = await _peer.CallAsync("fingerprint", new { iterations, version, localId, localKey = localKey.Serialize(), remoteId, remoteKey = remoteKey.Serialize() });
            Assert.Equal(theirs.GetProperty("displayable").GetString(), ours.DisplayString);
            Assert.Equal(theirs.GetBytes("scannable"), ours.GetScannableEncoding());

            // The other side's view, computed by libsignal, matches ours when scanned (both directions).
            var mirrored = await _peer.CallAsync("fingerprint", new { iterations, version, localId = remoteId, localKey = remoteKey.Serialize(), remoteId = localId, remoteKey = localKey.Serialize() });
            Assert.True(ours.CompareScannable(mirrored.GetBytes("scannable")));
            var compared = await _peer.CallAsync("scannableCompare", new { a = mirrored.GetBytes("scannable"), b = ours.GetScannableEncoding() });
            Assert.True(compared.GetProperty("equal").GetBoolean());
        }
    }

    [Fact]
    public async Task Hkdf_agrees()
    {
        var random = new Random(12);
        for (int i = 0; i < 200; i++)
        {
            byte[] ikm = Bytes(random, random.Next(0, 100));
            byte[] info = Bytes(random, random.Next(0, 60));
            byte[]? salt = (i % 3) switch { 0 => null, 1 => [], _ => Bytes(random, random.Next(1, 80)) };
            int length = random.Next(1, 255 * 32 / 8);
            byte[] ours = new byte[length];
            Kdf.Hkdf(ikm, salt, info, ours);
            var theirs = await _peer.CallAsync("hkdf", new { length, ikm, info, salt });
            Assert.Equal(theirs.GetBytes("okm"), ours);
        }
    }

    private static byte[] Bytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
