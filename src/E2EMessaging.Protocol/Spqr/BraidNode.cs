using E2EMessaging.Protocol.Proto.Spqr;

namespace E2EMessaging.Protocol.Spqr;

/// <summary>
/// One state of the chunked ML-KEM Braid (the eleven states of <see cref="EkSenderStates"/> and
/// <see cref="CtSenderStates"/>): an unchunked phase plus the erasure encoders and decoders in flight. States are
/// immutable; <see cref="Send"/> and <see cref="Receive"/> return the next one and leave this one usable.
/// </summary>
/// <remarks>
/// Epoch rule of every state (SPQR v1.5.3): a message from an earlier epoch changes nothing, a message from a
/// later epoch is an error, except that <see cref="CtSenderStates.Ct2Sampled"/> moves on when the peer is exactly
/// one epoch ahead; a message of the state's own epoch is handled by <see cref="ReceiveCurrent"/>.
/// </remarks>
internal abstract class BraidNode
{
    private protected BraidNode()
    {
    }

    /// <summary>The epoch this state works on.</summary>
    public abstract ulong Epoch { get; }

    /// <summary>The next message, the secret this step emits (if any), and the next state.</summary>
    public abstract (BraidMessage Message, BraidEpochSecret? Secret, BraidNode Next) Send(IRandomSource random);

    /// <summary>The state after <paramref name="message"/>, and the secret this step emits (if any).</summary>
    /// <exception cref="ProtocolException">The message is from too far ahead or fails authentication.</exception>
    public (BraidEpochSecret? Secret, BraidNode Next) Receive(BraidMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Epoch < Epoch)
        {
            return (null, this);
        }

        return message.Epoch > Epoch ? (null, ReceiveFromLaterEpoch(message)) : ReceiveCurrent(message);
    }

    public abstract BraidState ToProto();

    /// <summary>Reads any of the eleven persisted states.</summary>
    /// <exception cref="ProtocolException">The state is malformed (<see cref="ProtocolErrorKind.InvalidEncoding"/>).</exception>
    public static BraidNode FromProto(BraidState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.StateCase switch
        {
            BraidState.StateOneofCase.KeysUnsampled => EkSenderStates.KeysUnsampled.FromProto(state.KeysUnsampled),
            BraidState.StateOneofCase.KeysSampled => EkSenderStates.KeysSampled.FromProto(state.KeysSampled),
            BraidState.StateOneofCase.HeaderSent => EkSenderStates.HeaderSent.FromProto(state.HeaderSent),
            BraidState.StateOneofCase.Ct1Received => EkSenderStates.Ct1Received.FromProto(state.Ct1Received),
            BraidState.StateOneofCase.EkSentCt1Received => EkSenderStates.EkSentCt1Received.FromProto(state.EkSentCt1Received),
            BraidState.StateOneofCase.NoHeaderReceived => CtSenderStates.NoHeaderReceived.FromProto(state.NoHeaderReceived),
            BraidState.StateOneofCase.HeaderReceived => CtSenderStates.HeaderReceived.FromProto(state.HeaderReceived),
            BraidState.StateOneofCase.Ct1Sampled => CtSenderStates.Ct1Sampled.FromProto(state.Ct1Sampled),
            BraidState.StateOneofCase.EkReceivedCt1Sampled => CtSenderStates.EkReceivedCt1Sampled.FromProto(state.EkReceivedCt1Sampled),
            BraidState.StateOneofCase.Ct1Acknowledged => CtSenderStates.Ct1Acknowledged.FromProto(state.Ct1Acknowledged),
            BraidState.StateOneofCase.Ct2Sampled => CtSenderStates.Ct2Sampled.FromProto(state.Ct2Sampled),
            _ => MalformedState.Fail<BraidNode>("no state"),
        };
    }

    /// <summary>The type name only: states hold keys.</summary>
    public override string ToString() => GetType().Name;

    /// <summary>Handles a message of this state's own epoch. The default ignores it.</summary>
    protected virtual (BraidEpochSecret? Secret, BraidNode Next) ReceiveCurrent(BraidMessage message) => (null, this);

    /// <summary>Handles a message from a later epoch. The default rejects it.</summary>
    protected virtual BraidNode ReceiveFromLaterEpoch(BraidMessage message) =>
        ThrowHelper.Protocol<BraidNode>(ProtocolErrorKind.InvalidMessage, "The SPQR message is from an epoch this side has not reached.");

    /// <summary>A message of this state's epoch.</summary>
    private protected BraidMessage Message(BraidPayloadKind kind) => BraidMessage.Create(Epoch, kind);

    /// <summary>A message of this state's epoch carrying the next chunk of <paramref name="encoder"/>, which it advances.</summary>
    private protected BraidMessage Message(BraidPayloadKind kind, PolynomialEncoder encoder) =>
        BraidMessage.Create(Epoch, kind, encoder.NextChunk());

    /// <summary>A copy of <paramref name="decoder"/> with the message's chunk added.</summary>
    private protected static PolynomialDecoder WithChunk(PolynomialDecoder decoder, BraidMessage message)
    {
        PolynomialDecoder copy = decoder.Clone();
        copy.AddChunk(message.Chunk);
        return copy;
    }

    /// <summary>A copy of <paramref name="encoder"/>, to advance without touching this state.</summary>
    private protected static PolynomialEncoder Advance(PolynomialEncoder encoder) => encoder.Clone();

    private protected static PolynomialEncoder ReadEncoder(PolynomialEncoderState? state, int messageLength, string part)
    {
        MalformedState.ThrowUnless(PolynomialEncoder.TryFromProto(state, messageLength, out PolynomialEncoder? encoder), part);
        return encoder;
    }

    private protected static PolynomialDecoder ReadDecoder(PolynomialDecoderState? state, int messageLength, string part)
    {
        MalformedState.ThrowUnless(PolynomialDecoder.TryFromProto(state, messageLength, out PolynomialDecoder? decoder), part);
        return decoder;
    }
}
