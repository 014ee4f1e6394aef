using E2EMessaging.Protocol.Proto.Spqr;
using Chunked = E2EMessaging.Protocol.Proto.Spqr.BraidState.Types.Chunked.Types;

namespace E2EMessaging.Protocol.Spqr;

/// <summary>
/// The chunked states of the side that sends the ciphertext (<see cref="CtSenderPhase"/>); InitB starts in
/// <see cref="NoHeaderReceived"/>. Transitions, as in SPQR v1.5.3 (messages of the state's own epoch):
/// <list type="table">
/// <item><term><see cref="NoHeaderReceived"/></term><description>send: nothing. Header chunks; all of it (MAC checked) → HeaderReceived.</description></item>
/// <item><term><see cref="HeaderReceived"/></term><description>send: encapsulate (emits the secret), first ct1 chunk → Ct1Sampled. The peer sends no ek before it sees ct1, so nothing is received here.</description></item>
/// <item><term><see cref="Ct1Sampled"/></term><description>send: ct1 chunk. ek chunks (with or without ct1 acknowledgement): all of ek and acknowledged → Ct2Sampled; all of ek → EkReceivedCt1Sampled; acknowledged → Ct1Acknowledged.</description></item>
/// <item><term><see cref="EkReceivedCt1Sampled"/></term><description>send: ct1 chunk. ct1 acknowledgement (alone or with an ek chunk) → Ct2Sampled.</description></item>
/// <item><term><see cref="Ct1Acknowledged"/></term><description>send: nothing. ek chunks; all of ek → Ct2Sampled.</description></item>
/// <item><term><see cref="Ct2Sampled"/></term><description>send: ct2 chunk. Any message of the next epoch → that epoch's <see cref="EkSenderStates.KeysUnsampled"/>.</description></item>
/// </list>
/// </summary>
internal static class CtSenderStates
{
    private const int HeaderMessageLength = EkSenderPhase.HeaderMessageLength;
    private const int EncapsulationKeyLength = IncrementalMlKem768.EncapsulationKeyLength;
    private const int Ciphertext1Length = IncrementalMlKem768.Ciphertext1Length;
    private const int Ciphertext2MessageLength = EkSenderPhase.Ciphertext2MessageLength;

    internal sealed class NoHeaderReceived(CtSenderPhase.NoHeaderReceived phase, PolynomialDecoder receivingHeader) : BraidNode
    {
        public override ulong Epoch => phase.Epoch;

        /// <summary>The state of the responder (B) at epoch 1.</summary>
        public static NoHeaderReceived Initial(ReadOnlySpan<byte> authKey) => new(
            new CtSenderPhase.NoHeaderReceived(BraidEpochs.First, Authenticator.Create(authKey)),
            PolynomialDecoder.Create(HeaderMessageLength));

        public override (BraidMessage, BraidEpochSecret?, BraidNode) Send(IRandomSource random) =>
            (Message(BraidPayloadKind.None), null, this);

        public override BraidState ToProto() => new()
        {
            NoHeaderReceived = new Chunked.NoHeaderReceived { Uc = phase.ToProto(), ReceivingHdr = receivingHeader.ToProto() },
        };

        public static NoHeaderReceived FromProto(Chunked.NoHeaderReceived state) => new(
            CtSenderPhase.NoHeaderReceived.FromProto(state.Uc),
            ReadDecoder(state.ReceivingHdr, HeaderMessageLength, "receiving header"));

        protected override (BraidEpochSecret?, BraidNode) ReceiveCurrent(BraidMessage message)
        {
            if (message.Kind != BraidPayloadKind.Header)
            {
                return (null, this);
            }

            PolynomialDecoder decoder = WithChunk(receivingHeader, message);
            return decoder.DecodedMessage() is { } headerMessage
                ? (null, new HeaderReceived(phase.ReceiveHeader(headerMessage), PolynomialDecoder.Create(EncapsulationKeyLength)))
                : (null, new NoHeaderReceived(phase, decoder));
        }
    }

    internal sealed class HeaderReceived(CtSenderPhase.HeaderReceived phase, PolynomialDecoder receivingEk) : BraidNode
    {
        public override ulong Epoch => phase.Epoch;

        public override (BraidMessage, BraidEpochSecret?, BraidNode) Send(IRandomSource random)
        {
            (CtSenderPhase.Ct1Sent next, byte[] ciphertext1, BraidEpochSecret secret) = phase.SendCiphertext1(random);
            var sendingCt1 = PolynomialEncoder.Create(ciphertext1);
            return (Message(BraidPayloadKind.Ciphertext1, sendingCt1), secret, new Ct1Sampled(next, sendingCt1, receivingEk));
        }

        public override BraidState ToProto() => new()
        {
            HeaderReceived = new Chunked.HeaderReceived { Uc = phase.ToProto(), ReceivingEk = receivingEk.ToProto() },
        };

        public static HeaderReceived FromProto(Chunked.HeaderReceived state) => new(
            CtSenderPhase.HeaderReceived.FromProto(state.Uc),
            ReadDecoder(state.ReceivingEk, EncapsulationKeyLength, "receiving ek"));
    }

    internal sealed class Ct1Sampled(CtSenderPhase.Ct1Sent phase, PolynomialEncoder sendingCt1, PolynomialDecoder receivingEk) : BraidNode
    {
        public override ulong Epoch => phase.Epoch;

        public override (BraidMessage, BraidEpochSecret?, BraidNode) Send(IRandomSource random)
        {
            PolynomialEncoder encoder = Advance(sendingCt1);
            return (Message(BraidPayloadKind.Ciphertext1, encoder), null, new Ct1Sampled(phase, encoder, receivingEk));
        }

        public override BraidState ToProto() => new()
        {
            Ct1Sampled = new Chunked.Ct1Sampled
            {
                Uc = phase.ToProto(),
                SendingCt1 = sendingCt1.ToProto(),
                ReceivingEk = receivingEk.ToProto(),
            },
        };

        public static Ct1Sampled FromProto(Chunked.Ct1Sampled state) => new(
            CtSenderPhase.Ct1Sent.FromProto(state.Uc),
            ReadEncoder(state.SendingCt1, Ciphertext1Length, "sending ct1"),
            ReadDecoder(state.ReceivingEk, EncapsulationKeyLength, "receiving ek"));

        // A bare ct1 acknowledgement (no ek chunk) is ignored here, as in the crate: the peer only sends one
        // after its ek chunks, and those carry the acknowledgement too.
        protected override (BraidEpochSecret?, BraidNode) ReceiveCurrent(BraidMessage message)
        {
            if (message.Kind is not (BraidPayloadKind.EncapsulationKey or BraidPayloadKind.EncapsulationKeyCt1Ack))
            {
                return (null, this);
            }

            bool acknowledged = message.Kind == BraidPayloadKind.EncapsulationKeyCt1Ack;
            PolynomialDecoder decoder = WithChunk(receivingEk, message);
            if (decoder.DecodedMessage() is { } encapsulationKey)
            {
                CtSenderPhase.Ct1SentEkReceived withKey = phase.ReceiveEncapsulationKey(encapsulationKey);
                return acknowledged
                    ? (null, Ct2Sampled.Start(withKey))
                    : (null, new EkReceivedCt1Sampled(withKey, sendingCt1));
            }

            return acknowledged
                ? (null, new Ct1Acknowledged(phase, decoder))
                : (null, new Ct1Sampled(phase, sendingCt1, decoder));
        }
    }

    internal sealed class EkReceivedCt1Sampled(CtSenderPhase.Ct1SentEkReceived phase, PolynomialEncoder sendingCt1) : BraidNode
    {
        public override ulong Epoch => phase.Epoch;

        public override (BraidMessage, BraidEpochSecret?, BraidNode) Send(IRandomSource random)
        {
            PolynomialEncoder encoder = Advance(sendingCt1);
            return (Message(BraidPayloadKind.Ciphertext1, encoder), null, new EkReceivedCt1Sampled(phase, encoder));
        }

        public override BraidState ToProto() => new()
        {
            EkReceivedCt1Sampled = new Chunked.EkReceivedCt1Sampled { Uc = phase.ToProto(), SendingCt1 = sendingCt1.ToProto() },
        };

        public static EkReceivedCt1Sampled FromProto(Chunked.EkReceivedCt1Sampled state) => new(
            CtSenderPhase.Ct1SentEkReceived.FromProto(state.Uc),
            ReadEncoder(state.SendingCt1, Ciphertext1Length, "sending ct1"));

        protected override (BraidEpochSecret?, BraidNode) ReceiveCurrent(BraidMessage message) =>
            message.Kind is BraidPayloadKind.Ct1Ack or BraidPayloadKind.EncapsulationKeyCt1Ack
                ? (null, Ct2Sampled.Start(phase))
                : (null, this);
    }

    internal sealed class Ct1Acknowledged(CtSenderPhase.Ct1Sent phase, PolynomialDecoder receivingEk) : BraidNode
    {
        public override ulong Epoch => phase.Epoch;

        public override (BraidMessage, BraidEpochSecret?, BraidNode) Send(IRandomSource random) =>
            (Message(BraidPayloadKind.None), null, this);

        public override BraidState ToProto() => new()
        {
            Ct1Acknowledged = new Chunked.Ct1Acknowledged { Uc = phase.ToProto(), ReceivingEk = receivingEk.ToProto() },
        };

        public static Ct1Acknowledged FromProto(Chunked.Ct1Acknowledged state) => new(
            CtSenderPhase.Ct1Sent.FromProto(state.Uc),
            ReadDecoder(state.ReceivingEk, EncapsulationKeyLength, "receiving ek"));

        // Plain ek chunks can still arrive out of order after an acknowledged one; both kinds count.
        protected override (BraidEpochSecret?, BraidNode) ReceiveCurrent(BraidMessage message)
        {
            if (message.Kind is not (BraidPayloadKind.EncapsulationKey or BraidPayloadKind.EncapsulationKeyCt1Ack))
            {
                return (null, this);
            }

            PolynomialDecoder decoder = WithChunk(receivingEk, message);
            return decoder.DecodedMessage() is { } encapsulationKey
                ? (null, Ct2Sampled.Start(phase.ReceiveEncapsulationKey(encapsulationKey)))
                : (null, new Ct1Acknowledged(phase, decoder));
        }
    }

    internal sealed class Ct2Sampled(CtSenderPhase.Ct2Sent phase, PolynomialEncoder sendingCt2) : BraidNode
    {
        public override ulong Epoch => phase.Epoch;

        /// <summary>Finishes the encapsulation and starts sending ct2 and its MAC.</summary>
        public static Ct2Sampled Start(CtSenderPhase.Ct1SentEkReceived phase)
        {
            (CtSenderPhase.Ct2Sent next, byte[] ciphertext2Message) = phase.SendCiphertext2();
            return new Ct2Sampled(next, PolynomialEncoder.Create(ciphertext2Message));
        }

        public override (BraidMessage, BraidEpochSecret?, BraidNode) Send(IRandomSource random)
        {
            PolynomialEncoder encoder = Advance(sendingCt2);
            return (Message(BraidPayloadKind.Ciphertext2, encoder), null, new Ct2Sampled(phase, encoder));
        }

        public override BraidState ToProto() => new()
        {
            Ct2Sampled = new Chunked.Ct2Sampled { Uc = phase.ToProto(), SendingCt2 = sendingCt2.ToProto() },
        };

        public static Ct2Sampled FromProto(Chunked.Ct2Sampled state) => new(
            CtSenderPhase.Ct2Sent.FromProto(state.Uc),
            ReadEncoder(state.SendingCt2, Ciphertext2MessageLength, "sending ct2"));

        // The peer has all of ct2 once it speaks from the next epoch: this side samples that epoch's keys.
        protected override BraidNode ReceiveFromLaterEpoch(BraidMessage message) =>
            message.Epoch - 1 == Epoch
                ? new EkSenderStates.KeysUnsampled(phase.NextEpoch())
                : base.ReceiveFromLaterEpoch(message);
    }
}
