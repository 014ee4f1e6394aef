using E2EMessaging.Protocol.Proto.Spqr;
using E2EMessaging.Protocol.Spqr;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Google.Protobuf;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Spqr;

/// <summary>
/// Persisted braid states: every one of the eleven states round-trips, and malformed states (missing parts,
/// wrong lengths, decoders for the wrong message, encoders with both or neither list) are refused with
/// InvalidEncoding — never another exception.
/// </summary>
public sealed class BraidStateTests
{
    /// <summary>One serialized state per state kind, collected from a lockstep run.</summary>
    private static readonly Dictionary<BraidState.StateOneofCase, byte[]> Samples = CollectSamples();

    [Fact]
    public void All_eleven_states_occur_and_round_trip()
    {
        Assert.Equal(11, Samples.Count);
        foreach ((BraidState.StateOneofCase kind, byte[] bytes) in Samples)
        {
            Braid braid = Braid.FromProto(BraidState.Parser.ParseFrom(bytes));
            Assert.Equal(kind, braid.ToProto().StateCase);
            Assert.Equal(bytes, braid.ToProto().ToByteArray());
        }
    }

    [Fact]
    public void Empty_state_is_refused() => AssertMalformed(new BraidState());

    public static TheoryData<string> Mutations => new()
    {
        "no phase", "no auth", "short root key", "long mac key", "epoch 0", "short dk", "short ek", "short ct1",
        "short es", "short hdr", "no encoder", "encoder with both lists", "encoder with neither list",
        "encoder lane too long", "encoder with 15 lanes", "no decoder", "decoder for another length",
        "decoder with 17 lanes", "decoder point cut short", "unreduced ek",
    };

    [Theory]
    [MemberData(nameof(Mutations))]
    public void Malformed_states_are_refused(string mutation)
    {
        int applied = 0;
        foreach (byte[] bytes in Samples.Values)
        {
            BraidState state = BraidState.Parser.ParseFrom(bytes);
            if (Mutate(state, mutation))
            {
                applied++;
                AssertMalformed(state);
            }
        }

        Assert.True(applied > 0, $"no state has a part to apply '{mutation}' to");
    }

    [Property(MaxTest = 300)]
    public bool Random_corruption_is_refused_or_yields_a_working_braid(int seed)
    {
        var rng = new Random(seed);
        byte[][] samples = [.. Samples.Values];
        byte[] bytes = (byte[])samples[rng.Next(samples.Length)].Clone();
        int flips = 1 + rng.Next(4);
        for (int i = 0; i < flips; i++)
        {
            bytes[rng.Next(bytes.Length)] ^= (byte)(1 << rng.Next(8));
        }

        BraidState state;
        try
        {
            state = BraidState.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException)
        {
            return true; // not a protobuf any more: the caller's parser says so
        }

        Braid braid;
        try
        {
            braid = Braid.FromProto(state);
        }
        catch (ProtocolException e)
        {
            return e.Kind == ProtocolErrorKind.InvalidEncoding;
        }

        // Whatever loaded must keep working: it sends, and it either takes or refuses (with a protocol error) messages.
        var random = new FixedRandom(seed);
        braid = braid.Send(random).Next;
        foreach (BraidPayloadKind kind in Enum.GetValues<BraidPayloadKind>())
        {
            BraidMessage message = kind is BraidPayloadKind.None or BraidPayloadKind.Ct1Ack
                ? BraidMessage.Create(braid.Epoch, kind)
                : BraidMessage.Create(braid.Epoch, kind, new ErasureChunk((ushort)rng.Next(80), new byte[32]));
            try
            {
                braid = braid.Receive(message).Next;
            }
            catch (ProtocolException e) when (e.Kind == ProtocolErrorKind.InvalidMessage)
            {
            }
        }

        return true;
    }

    private static void AssertMalformed(BraidState state)
    {
        ProtocolException e = Assert.Throws<ProtocolException>(() => Braid.FromProto(state));
        Assert.Equal(ProtocolErrorKind.InvalidEncoding, e.Kind);
    }

    private static Dictionary<BraidState.StateOneofCase, byte[]> CollectSamples()
    {
        var samples = new Dictionary<BraidState.StateOneofCase, byte[]>();
        void Keep(Braid braid)
        {
            BraidState state = braid.ToProto();
            samples.TryAdd(state.StateCase, state.ToByteArray());
        }

        // Lockstep covers most states; a lossy run (and a pass where A stays silent while B keeps sending)
        // reaches the ones that need messages in another order.
        foreach (int seed in new[] { 11, 12, 13, 14, 15, 16 })
        {
            var simulation = new BraidSimulation(seed, roundTripStates: false);
            for (int round = 0; round < 40 && samples.Count < 11; round++)
            {
                simulation.RunChaos(25, 30, 10);
                Keep(simulation.A.Braid);
                Keep(simulation.B.Braid);
            }

            for (int round = 0; round < 300 && samples.Count < 11; round++)
            {
                simulation.Heal(epochs: 1, maxRounds: 1);
                Keep(simulation.A.Braid);
                Keep(simulation.B.Braid);
            }
        }

        return samples;
    }

    // Applies one kind of damage to the state's parts, if it has the part; returns whether it did.
    private static bool Mutate(BraidState state, string mutation)
    {
        IMessage chunked = (IMessage)state.GetType().GetProperty(state.StateCase.ToString())!.GetValue(state)!;
        IMessage phase = (IMessage)chunked.Descriptor.FindFieldByNumber(1).Accessor.GetValue(chunked);
        AuthenticatorState auth = (AuthenticatorState)phase.Descriptor.FindFieldByName("auth").Accessor.GetValue(phase);
        var encoders = chunked.Descriptor.Fields.InFieldNumberOrder().Where(f => f.MessageType?.Name == nameof(PolynomialEncoderState)).ToList();
        var decoders = chunked.Descriptor.Fields.InFieldNumberOrder().Where(f => f.MessageType?.Name == nameof(PolynomialDecoderState)).ToList();

        bool Bytes(string field, Func<ByteString, ByteString> change)
        {
            var descriptor = phase.Descriptor.FindFieldByName(field);
            if (descriptor is null)
            {
                return false;
            }

            descriptor.Accessor.SetValue(phase, change((ByteString)descriptor.Accessor.GetValue(phase)));
            return true;
        }

        static ByteString Shorter(ByteString value) => ByteString.CopyFrom(value.Span[..^1]);

        PolynomialEncoderState? Encoder() => encoders.Count == 0 ? null : (PolynomialEncoderState)encoders[0].Accessor.GetValue(chunked);
        PolynomialDecoderState? Decoder() => decoders.Count == 0 ? null : (PolynomialDecoderState)decoders[0].Accessor.GetValue(chunked);

        switch (mutation)
        {
            case "no phase":
                chunked.Descriptor.FindFieldByNumber(1).Accessor.Clear(chunked);
                return true;
            case "no auth":
                phase.Descriptor.FindFieldByName("auth").Accessor.Clear(phase);
                return true;
            case "short root key":
                auth.RootKey = Shorter(auth.RootKey);
                return true;
            case "long mac key":
                auth.MacKey = ByteString.CopyFrom([.. auth.MacKey.Span, 0]);
                return true;
            case "epoch 0":
                phase.Descriptor.FindFieldByName("epoch").Accessor.SetValue(phase, 0ul);
                return true;
            case "short dk":
                return Bytes("dk", Shorter);
            case "short ek":
                return Bytes("ek", Shorter);
            case "short ct1":
                return Bytes("ct1", Shorter);
            case "short es":
                return Bytes("es", Shorter);
            case "short hdr":
                return Bytes("hdr", Shorter);
            case "unreduced ek":
                if (phase is not BraidState.Types.Phase.Types.Ct1SentEkReceived withEk)
                {
                    return false;
                }

                byte[] ek = withEk.Ek.ToByteArray();
                ek[0] = 0xFF;
                ek[1] |= 0x0F;
                withEk.Ek = ByteString.CopyFrom(ek);
                return true;
            case "no encoder":
                if (encoders.Count == 0)
                {
                    return false;
                }

                encoders[0].Accessor.Clear(chunked);
                return true;
            case "encoder with both lists":
                if (Encoder() is not { } both)
                {
                    return false;
                }

                if (both.Points.Count == 0)
                {
                    both.Points.Add(both.Polynomials);
                }
                else
                {
                    both.Polynomials.Add(both.Points);
                }

                return true;
            case "encoder with neither list":
                if (Encoder() is not { } neither)
                {
                    return false;
                }

                neither.Points.Clear();
                neither.Polynomials.Clear();
                return true;
            case "encoder lane too long":
                if (Encoder() is not { } longLane)
                {
                    return false;
                }

                var lanes = longLane.Points.Count > 0 ? longLane.Points : longLane.Polynomials;
                lanes[3] = ByteString.CopyFrom([.. lanes[3].Span, 0, 1]);
                return true;
            case "encoder with 15 lanes":
                if (Encoder() is not { } fewer)
                {
                    return false;
                }

                (fewer.Points.Count > 0 ? fewer.Points : fewer.Polynomials).RemoveAt(0);
                return true;
            case "no decoder":
                if (decoders.Count == 0)
                {
                    return false;
                }

                decoders[0].Accessor.Clear(chunked);
                return true;
            case "decoder for another length":
                if (Decoder() is not { } other)
                {
                    return false;
                }

                other.PointsNeeded += 16;
                return true;
            case "decoder with 17 lanes":
                if (Decoder() is not { } more)
                {
                    return false;
                }

                more.Points.Add(ByteString.Empty);
                return true;
            case "decoder point cut short":
                if (Decoder() is not { } cut)
                {
                    return false;
                }

                cut.Points[0] = ByteString.CopyFrom([.. cut.Points[0].Span, 1, 2]);
                return true;
            default:
                throw new ArgumentOutOfRangeException(nameof(mutation), mutation, null);
        }
    }
}
