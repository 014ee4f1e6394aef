using System.Security.Cryptography;
using E2EMessaging.Protocol.Kem;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Kem;

/// <summary>
/// Keccak / SHA-3 / SHAKE (FIPS 202): known answers from the FIPS 202 example values, and agreement with .NET's
/// one-shot SHA3_256, SHA3_512, Shake128.HashData and Shake256.HashData, including incremental use.
/// </summary>
public sealed class KeccakTests
{
    public static TheoryData<int> Lengths => new() { 0, 1, 3, 71, 72, 73, 135, 136, 137, 167, 168, 169, 335, 336, 1000, 4099 };

    [Fact]
    public void KnownAnswers()
    {
        // FIPS 202 example values (NIST CSRC "Example Values", SHA3 and SHAKE).
        Assert.Equal(
            "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a",
            Hex(Hash32(Keccak.Sha3_256, [])));
        Assert.Equal(
            "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532",
            Hex(Hash32(Keccak.Sha3_256, "abc"u8)));

        byte[] sha512 = new byte[64];
        Keccak.Sha3_512("abc"u8, sha512);
        Assert.Equal(
            "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0",
            Hex(sha512));

        Assert.Equal(
            "7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26",
            Hex(Hash32(Keccak.Shake128, [])));
        Assert.Equal(
            "46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f",
            Hex(Hash32(Keccak.Shake256, [])));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void OneShotMatchesDotNet(int length)
    {
        byte[] input = RandomBytes(length, seed: length);

        Assert.Equal(SHA3_256.HashData(input), Hash32(Keccak.Sha3_256, input));

        byte[] sha512 = new byte[64];
        Keccak.Sha3_512(input, sha512);
        Assert.Equal(SHA3_512.HashData(input), sha512);

        foreach (int outputLength in new[] { 1, 32, 167, 168, 169, 500 })
        {
            byte[] shake128 = new byte[outputLength];
            Keccak.Shake128(input, shake128);
            Assert.Equal(Shake128.HashData(input, outputLength), shake128);

            byte[] shake256 = new byte[outputLength];
            Keccak.Shake256(input, shake256);
            Assert.Equal(Shake256.HashData(input, outputLength), shake256);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void IncrementalAbsorbAndSqueezeMatchOneShot(int variant)
    {
        byte[] input = RandomBytes(2000, seed: 100 + variant);
        const int OutputLength = 1500;
        int[] absorbPieces = [1, 7, 5, 13, 0, 3, 64, 136, 9, 11, 168, 2, 31];
        int[] squeezePieces = [3, 1, 17, 0, 168, 5, 200, 8, 13, 136, 71];

        foreach ((Func<KeccakSponge> create, Func<byte[], byte[]> reference) in new (Func<KeccakSponge>, Func<byte[], byte[]>)[]
        {
            (KeccakSponge.CreateShake128, d => Shake128.HashData(d, OutputLength)),
            (KeccakSponge.CreateShake256, d => Shake256.HashData(d, OutputLength)),
        })
        {
            KeccakSponge sponge = create();
            int offset = 0;
            for (int i = 0; offset < input.Length; i++)
            {
                int piece = Math.Min(absorbPieces[(i + variant) % absorbPieces.Length], input.Length - offset);
                sponge.Absorb(input.AsSpan(offset, piece));
                offset += piece;
            }

            byte[] output = new byte[OutputLength];
            offset = 0;
            for (int i = 0; offset < output.Length; i++)
            {
                int piece = Math.Min(squeezePieces[(i * variant) % squeezePieces.Length], output.Length - offset);
                sponge.Squeeze(output.AsSpan(offset, piece));
                offset += piece;
            }

            Assert.Equal(reference(input), output);
        }

        KeccakSponge sha = KeccakSponge.CreateSha3_256();
        sha.Absorb(input.AsSpan(0, 137));
        sha.Absorb(input.AsSpan(137, 1));
        sha.Absorb(input.AsSpan(138));
        byte[] digest = new byte[32];
        sha.Squeeze(digest.AsSpan(0, 5));
        sha.Squeeze(digest.AsSpan(5));
        Assert.Equal(SHA3_256.HashData(input), digest);
    }

    [Fact]
    public void AbsorbAfterSqueezeThrows()
    {
        KeccakSponge sponge = KeccakSponge.CreateShake256();
        byte[] output = new byte[4];
        sponge.Squeeze(output);
        bool threw = false;
        try
        {
            sponge.Absorb(output);
        }
        catch (InvalidOperationException)
        {
            threw = true;
        }

        Assert.True(threw);
    }

    private delegate void HashFunction(ReadOnlySpan<byte> input, Span<byte> output);

    private static byte[] Hash32(HashFunction function, ReadOnlySpan<byte> input)
    {
        byte[] output = new byte[32];
        function(input, output);
        return output;
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        byte[] bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
