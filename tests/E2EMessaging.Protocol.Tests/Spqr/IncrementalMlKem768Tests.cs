using E2EMessaging.Protocol.Kem;
using E2EMessaging.Protocol.Proto.Spqr;
using E2EMessaging.Protocol.Spqr;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Spqr;

public sealed class IncrementalMlKem768Tests
{
    [Fact]
    public void Split_encapsulation_equals_one_shot_ml_kem_768()
    {
        var random = new FixedRandom(7);
        (byte[] header, byte[] ekPart, byte[] dk) = IncrementalMlKem768.GenerateKeys(random);
        Assert.Equal(64, header.Length);
        Assert.Equal(1152, ekPart.Length);
        Assert.Equal(2400, dk.Length);

        // The full FIPS 203 key is t̂ || ρ and sits inside dk; the header is ρ || H(ek).
        byte[] ek = dk.AsSpan(1152, 1184).ToArray();
        Assert.Equal(ekPart, ek.AsSpan(0, 1152).ToArray());
        Assert.Equal(ek.AsSpan(1152).ToArray(), header.AsSpan(0, 32).ToArray());
        Assert.True(IncrementalMlKem768.EncapsulationKeyMatchesHeader(ekPart, header));

        // Encapsulate1 reads m from the random source: replay the same seed to learn m.
        var encapsulationRandom = new FixedRandom(8);
        byte[] m = new byte[32];
        new FixedRandom(8).Fill(m);
        byte[] sharedKey = new byte[32];
        (byte[] ct1, byte[] state) = IncrementalMlKem768.Encapsulate1(header, encapsulationRandom, sharedKey);
        byte[] ct2 = IncrementalMlKem768.Encapsulate2(ekPart, state);
        Assert.Equal(960, ct1.Length);
        Assert.Equal(128, ct2.Length);
        Assert.Equal(2080, state.Length);
        Assert.Equal(m, state.AsSpan(2048).ToArray());

        byte[] expectedCiphertext = new byte[1088];
        byte[] expectedKey = new byte[32];
        MlKem.Encapsulate(MlKemParameters.MlKem768, ek, m, expectedCiphertext, expectedKey);
        Assert.Equal(expectedCiphertext, ct1.Concat(ct2).ToArray());
        Assert.Equal(expectedKey, sharedKey);

        byte[] decapsulated = new byte[32];
        IncrementalMlKem768.Decapsulate(dk, ct1, ct2, decapsulated);
        Assert.Equal(sharedKey, decapsulated);
    }

    [Fact]
    public void Encapsulation_state_coefficients_are_centred_and_small()
    {
        (byte[] header, _, _) = IncrementalMlKem768.GenerateKeys(new FixedRandom(1));
        (_, byte[] state) = IncrementalMlKem768.Encapsulate1(header, new FixedRandom(2), new byte[32]);
        for (int i = 0; i < 768; i++)
        {
            short r = BitConverter.ToInt16(state, 2 * i);
            Assert.InRange(r, -1664, 1664);
        }

        for (int i = 768; i < 1024; i++)
        {
            short e = BitConverter.ToInt16(state, 2 * i);
            Assert.InRange(e, -2, 2);
        }
    }

    [Fact]
    public void Byte_swapped_state_of_libcrux_issue_1275_gives_the_same_ct2()
    {
        // Our own state, swapped the way old libcrux wrote it, and the crate's saved (swapped) state swapped back.
        (byte[] header, byte[] ekPart, _) = IncrementalMlKem768.GenerateKeys(new FixedRandom(3));
        (_, byte[] state) = IncrementalMlKem768.Encapsulate1(header, new FixedRandom(4), new byte[32]);
        Assert.Equal(IncrementalMlKem768.Encapsulate2(ekPart, state), IncrementalMlKem768.Encapsulate2(ekPart, Swap(state)));

        SpqrState saved = SpqrState.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Spqr", "Vectors", "issue1275_b_state.bin")));
        BraidState.Types.Phase.Types.Ct1Sent phase = saved.V1.Ct1Sampled.Uc;
        byte[] crateState = phase.Es.ToByteArray();
        byte[] fakeKey = new byte[1152];
        Assert.Equal(IncrementalMlKem768.Encapsulate2(fakeKey, crateState), IncrementalMlKem768.Encapsulate2(fakeKey, Swap(crateState)));
        Assert.NotEqual(crateState, Swap(crateState));
    }

    [Fact]
    public void Encapsulation_reproduces_the_crate_state_from_its_randomness()
    {
        // libcrux keeps m (the encapsulation's only randomness) as the last 32 bytes of the state, so the crate's
        // saved Ct1Sent phase (Spqr/Vectors, issue 1275 data) can be recomputed: the same ct1, and the same state
        // bytes once the old big-endian coefficient order is swapped back.
        SpqrState saved = SpqrState.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Spqr", "Vectors", "issue1275_b_state.bin")));
        BraidState.Types.Phase.Types.Ct1Sent phase = saved.V1.Ct1Sampled.Uc;
        byte[] crateState = phase.Es.ToByteArray();
        var replay = new ReplayedBytes(crateState.AsSpan(crateState.Length - 32).ToArray());
        (byte[] ct1, byte[] state) = IncrementalMlKem768.Encapsulate1(phase.Hdr.ToByteArray(), replay, new byte[32]);
        Assert.Equal(phase.Ct1.ToByteArray(), ct1);
        Assert.Equal(Swap(crateState), state);
    }

    [Fact]
    public void Key_that_does_not_match_the_header_is_refused()
    {
        (byte[] header, byte[] ekPart, _) = IncrementalMlKem768.GenerateKeys(new FixedRandom(5));
        byte[] other = (byte[])ekPart.Clone();
        other[100] ^= 1;
        Assert.False(IncrementalMlKem768.EncapsulationKeyMatchesHeader(other, header));
        Assert.False(IncrementalMlKem768.EncapsulationKeyMatchesHeader(ekPart.AsSpan(1).ToArray(), header));

        // Right hash but a coefficient not below q: fails the FIPS 203 modulus check.
        byte[] unreduced = (byte[])ekPart.Clone();
        unreduced[0] = 0xFF;
        unreduced[1] |= 0x0F;
        byte[] ek = [.. unreduced, .. header.AsSpan(0, 32)];
        byte[] hash = new byte[32];
        Keccak.Sha3_256(ek, hash);
        byte[] forgedHeader = [.. header.AsSpan(0, 32), .. hash];
        Assert.False(IncrementalMlKem768.EncapsulationKeyMatchesHeader(unreduced, forgedHeader));
    }

    private sealed class ReplayedBytes(byte[] bytes) : IRandomSource
    {
        public void Fill(Span<byte> destination)
        {
            Assert.Equal(bytes.Length, destination.Length);
            bytes.CopyTo(destination);
        }
    }

    private static byte[] Swap(byte[] state)
    {
        byte[] swapped = (byte[])state.Clone();
        for (int i = 0; i < swapped.Length - 32; i += 2)
        {
            (swapped[i], swapped[i + 1]) = (swapped[i + 1], swapped[i]);
        }

        return swapped;
    }
}
