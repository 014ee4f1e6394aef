using E2EMessaging.Protocol.Proto.Spqr;

namespace E2EMessaging.Protocol.Spqr;

/// <summary>
/// The ML-KEM Braid, version 1 (signal.org/docs/specifications/mlkembraid): the sparse continuous key agreement
/// inside SPQR, wire- and state-compatible with the SPQR crate v1.5.3 that libsignal 0.103 uses. Two parties
/// that start from the same authentication key — one with <see cref="InitA"/>, the other with
/// <see cref="InitB"/> — exchange one braid message per Signal message and, every few round trips, both emit
/// the same 32-byte secret for the next epoch (see <see cref="BraidEpochSecret"/>).
/// </summary>
/// <remarks>
/// Immutable: <see cref="Send"/> and <see cref="Receive"/> return the next braid and leave this one as it was,
/// so a caller can drop a step that fails further up (for example, when the message it rode on does not
/// decrypt). A consequence is that the keys a braid holds are not wiped when it is superseded; they live until
/// the garbage collector takes the last braid that refers to them.
/// </remarks>
internal sealed class Braid
{
    private readonly BraidNode _node;

    private Braid(BraidNode node) => _node = node;

    /// <summary>The epoch the braid is working on (1 at the start).</summary>
    public ulong Epoch => _node.Epoch;

    /// <summary>The initiator (direction A to B), which sends the first encapsulation key.</summary>
    public static Braid InitA(ReadOnlySpan<byte> authKey) => new(EkSenderStates.KeysUnsampled.Initial(authKey));

    /// <summary>The responder, which sends the first ciphertext.</summary>
    public static Braid InitB(ReadOnlySpan<byte> authKey) => new(CtSenderStates.NoHeaderReceived.Initial(authKey));

    /// <summary>Reads a persisted braid (the <c>v1</c> state inside libsignal's <c>pq_ratchet_state</c>).</summary>
    /// <exception cref="ProtocolException">The state is malformed (<see cref="ProtocolErrorKind.InvalidEncoding"/>).</exception>
    public static Braid FromProto(BraidState state) => new(BraidNode.FromProto(state));

    public BraidState ToProto() => _node.ToProto();

    /// <summary>The message to send next, the secret this step emits (if any) and the braid after it.</summary>
    public BraidSendResult Send(IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(random);
        (BraidMessage message, BraidEpochSecret? secret, BraidNode next) = _node.Send(random);
        return new BraidSendResult(message, secret, new Braid(next));
    }

    /// <summary>Takes in a message from the peer: the secret this step emits (if any) and the braid after it.</summary>
    /// <exception cref="ProtocolException">
    /// The message is from an epoch this side cannot be in yet, or fails authentication: a header or ciphertext
    /// MAC does not verify, or the encapsulation key does not match its header
    /// (<see cref="ProtocolErrorKind.InvalidMessage"/>).
    /// </exception>
    public BraidReceiveResult Receive(BraidMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        (BraidEpochSecret? secret, BraidNode next) = _node.Receive(message);
        return new BraidReceiveResult(secret, ReferenceEquals(next, _node) ? this : new Braid(next));
    }

    /// <summary>The state's name and epoch; never key material.</summary>
    public override string ToString() => $"{nameof(Braid)}({_node}, epoch {Epoch})";
}

/// <summary>What <see cref="Braid.Send"/> returns.</summary>
internal readonly record struct BraidSendResult(BraidMessage Message, BraidEpochSecret? Secret, Braid Next);

/// <summary>What <see cref="Braid.Receive"/> returns.</summary>
internal readonly record struct BraidReceiveResult(BraidEpochSecret? Secret, Braid Next);
