using E2EMessaging.Protocol.Proto.Spqr;
using Chunked = E2EMessaging.Protocol.Proto.Spqr.BraidState.Types.Chunked.Types;

namespace E2EMessaging.Protocol.Spqr;

/// <summary>
/// The chunked states of the side that sends the encapsulation key (<see cref="EkSenderPhase"/>); InitA starts in
/// <see cref="KeysUnsampled"/>. Transitions, as in SPQR v1.5.3 (messages of the state's own epoch):
/// <list type="table">
/// <item><term><see cref="KeysUnsampled"/></term><description>send: sample keys, first header chunk → KeysSampled.</description></item>
/// <item><term><see cref="KeysSampled"/></term><description>send: header chunk. First ct1 chunk → HeaderSent (start sending ek).</description></item>
/// <item><term><see cref="HeaderSent"/></term><description>send: ek chunk. ct1 chunks; all of ct1 → Ct1Received.</description></item>
/// <item><term><see cref="Ct1Received"/></term><description>send: ek chunk with ct1 acknowledgement. First ct2 chunk → EkSentCt1Received (stop sending ek).</description></item>
/// <item><term><see cref="EkSentCt1Received"/></term><description>send: ct1 acknowledgement. ct2 chunks; all of ct2 → emit the secret, next epoch's <see cref="CtSenderStates.NoHeaderReceived"/>.</description></item>
/// </list>
/// </summary>
internal static class EkSenderStates
{
    private const int HeaderMessageLength = EkSenderPhase.HeaderMessageLength;
    private const int EncapsulationKeyLength = IncrementalMlKem768.EncapsulationKeyLength;
    private const int Ciphertext1Length = IncrementalMlKem768.Ciphertext1Length;
    private const int Ciphertext2MessageLength = EkSenderPhase.Ciphertext2MessageLength;

    internal sealed class KeysUnsampled(EkSenderPhase.KeysUnsampled phase) : BraidNode
    {
        public override ulong Epoch => phase.Epoch;

        /// <summary>The state of the initiator (A) at epoch 1.</summary>
        public static KeysUnsampled Initial(ReadOnlySpan<byte> authKey) =>
            new(new EkSenderPhase.KeysUnsampled(BraidEpochs.First, Authenticator.Create(authKey)));

        public override (BraidMessage, BraidEpochSecret?, BraidNode) Send(IRandomSource random)
        {
            (EkSenderPhase.HeaderSent next, byte[] headerMessage) = phase.SampleKeys(random);
            var sendingHeader = PolynomialEncoder.Create(headerMessage);
            return (Message(BraidPayloadKind.Header, sendingHeader), null, new KeysSampled(next, sendingHeader));
        }

        public override BraidState ToProto() => new() { KeysUnsampled = new Chunked.KeysUnsampled { Uc = phase.ToProto() } };

        public static KeysUnsampled FromProto(Chunked.KeysUnsampled state) =>
            new(EkSenderPhase.KeysUnsampled.FromProto(state.Uc));
    }

    internal sealed class KeysSampled(EkSenderPhase.HeaderSent phase, PolynomialEncoder sendingHeader) : BraidNode
    {
        public override ulong Epoch => phase.Epoch;

        public override (BraidMessage, BraidEpochSecret?, BraidNode) Send(IRandomSource random)
        {
            PolynomialEncoder encoder = Advance(sendingHeader);
            return (Message(BraidPayloadKind.Header, encoder), null, new KeysSampled(phase, encoder));
        }

        public override BraidState ToProto() => new()
        {
            KeysSampled = new Chunked.KeysSampled { Uc = phase.ToProto(), SendingHdr = sendingHeader.ToProto() },
        };

        public static KeysSampled FromProto(Chunked.KeysSampled state) => new(
            EkSenderPhase.HeaderSent.FromProto(state.Uc),
            ReadEncoder(state.SendingHdr, HeaderMessageLength, "sending header"));

        // The first ct1 chunk shows the peer has the header: stop sending it and start sending the key.
        protected override (BraidEpochSecret?, BraidNode) ReceiveCurrent(BraidMessage message)
        {
            if (message.Kind != BraidPayloadKind.Ciphertext1)
            {
                return (null, this);
            }

            var receivingCt1 = PolynomialDecoder.Create(Ciphertext1Length);
            receivingCt1.AddChunk(message.Chunk);
            (EkSenderPhase.EkSent next, byte[] encapsulationKey) = phase.SendEncapsulationKey();
            return (null, new HeaderSent(next, PolynomialEncoder.Create(encapsulationKey), receivingCt1));
        }
    }

    internal sealed class HeaderSent(EkSenderPhase.EkSent phase, PolynomialEncoder sendingEk, PolynomialDecoder receivingCt1) : BraidNode
    {
        public override ulong Epoch => phase.Epoch;

        public override (BraidMessage, BraidEpochSecret?, BraidNode) Send(IRandomSource random)
        {
            PolynomialEncoder encoder = Advance(sendingEk);
            return (Message(BraidPayloadKind.EncapsulationKey, encoder), null, new HeaderSent(phase, encoder, receivingCt1));
        }

        public override BraidState ToProto() => new()
        {
            HeaderSent = new Chunked.HeaderSent
            {
                Uc = phase.ToProto(),
                SendingEk = sendingEk.ToProto(),
                ReceivingCt1 = receivingCt1.ToProto(),
            },
        };

        public static HeaderSent FromProto(Chunked.HeaderSent state) => new(
            EkSenderPhase.EkSent.FromProto(state.Uc),
            ReadEncoder(state.SendingEk, EncapsulationKeyLength, "sending ek"),
            ReadDecoder(state.ReceivingCt1, Ciphertext1Length, "receiving ct1"));

        protected override (BraidEpochSecret?, BraidNode) ReceiveCurrent(BraidMessage message)
        {
            if (message.Kind != BraidPayloadKind.Ciphertext1)
            {
                return (null, this);
            }

            PolynomialDecoder decoder = WithChunk(receivingCt1, message);
            return decoder.DecodedMessage() is { } ciphertext1
                ? (null, new Ct1Received(phase.ReceiveCiphertext1(ciphertext1), sendingEk))
                : (null, new HeaderSent(phase, sendingEk, decoder));
        }
    }

    internal sealed class Ct1Received(EkSenderPhase.EkSentCt1Received phase, PolynomialEncoder sendingEk) : BraidNode
    {
        public override ulong Epoch => phase.Epoch;

        public override (BraidMessage, BraidEpochSecret?, BraidNode) Send(IRandomSource random)
        {
            PolynomialEncoder encoder = Advance(sendingEk);
            return (Message(BraidPayloadKind.EncapsulationKeyCt1Ack, encoder), null, new Ct1Received(phase, encoder));
        }

        public override BraidState ToProto() => new()
        {
            Ct1Received = new Chunked.Ct1Received { Uc = phase.ToProto(), SendingEk = sendingEk.ToProto() },
        };

        public static Ct1Received FromProto(Chunked.Ct1Received state) => new(
            EkSenderPhase.EkSentCt1Received.FromProto(state.Uc),
            ReadEncoder(state.SendingEk, EncapsulationKeyLength, "sending ek"));

        // The first ct2 chunk shows the peer has the whole key: stop sending it.
        protected override (BraidEpochSecret?, BraidNode) ReceiveCurrent(BraidMessage message)
        {
            if (message.Kind != BraidPayloadKind.Ciphertext2)
            {
                return (null, this);
            }

            var receivingCt2 = PolynomialDecoder.Create(Ciphertext2MessageLength);
            receivingCt2.AddChunk(message.Chunk);
            return (null, new EkSentCt1Received(phase, receivingCt2));
        }
    }

    internal sealed class EkSentCt1Received(EkSenderPhase.EkSentCt1Received phase, PolynomialDecoder receivingCt2) : BraidNode
    {
        public override ulong Epoch => phase.Epoch;

        public override (BraidMessage, BraidEpochSecret?, BraidNode) Send(IRandomSource random) =>
            (Message(BraidPayloadKind.Ct1Ack), null, this);

        public override BraidState ToProto() => new()
        {
            EkSentCt1Received = new Chunked.EkSentCt1Received { Uc = phase.ToProto(), ReceivingCt2 = receivingCt2.ToProto() },
        };

        public static EkSentCt1Received FromProto(Chunked.EkSentCt1Received state) => new(
            EkSenderPhase.EkSentCt1Received.FromProto(state.Uc),
            ReadDecoder(state.ReceivingCt2, Ciphertext2MessageLength, "receiving ct2"));

        protected override (BraidEpochSecret?, BraidNode) ReceiveCurrent(BraidMessage message)
        {
            if (message.Kind != BraidPayloadKind.Ciphertext2)
            {
                return (null, this);
            }

            PolynomialDecoder decoder = WithChunk(receivingCt2, message);
            if (decoder.DecodedMessage() is not { } ciphertext2Message)
            {
                return (null, new EkSentCt1Received(phase, decoder));
            }

            (CtSenderPhase.NoHeaderReceived next, BraidEpochSecret secret) = phase.ReceiveCiphertext2(ciphertext2Message);
            return (secret, new CtSenderStates.NoHeaderReceived(next, PolynomialDecoder.Create(HeaderMessageLength)));
        }
    }
}
