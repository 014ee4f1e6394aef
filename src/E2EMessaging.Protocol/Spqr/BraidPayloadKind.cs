namespace E2EMessaging.Protocol.Spqr;

/// <summary>
/// What a braid message carries, with the type byte it has on the wire (SPQR v1.5.3's numbering).
/// Kinds with a chunk: <see cref="Header"/>, <see cref="EncapsulationKey"/>, <see cref="EncapsulationKeyCt1Ack"/>,
/// <see cref="Ciphertext1"/>, <see cref="Ciphertext2"/>.
/// </summary>
internal enum BraidPayloadKind : byte
{
    /// <summary>No payload: the message only tells the peer the sender's epoch.</summary>
    None = 0,

    /// <summary>A chunk of the encapsulation key header and its MAC.</summary>
    Header = 1,

    /// <summary>A chunk of the encapsulation key (ByteEncode_12(t̂)).</summary>
    EncapsulationKey = 2,

    /// <summary>A chunk of the encapsulation key, and the acknowledgement that all of ct1 arrived.</summary>
    EncapsulationKeyCt1Ack = 3,

    /// <summary>Only the acknowledgement that all of ct1 arrived.</summary>
    Ct1Ack = 4,

    /// <summary>A chunk of the first ciphertext part.</summary>
    Ciphertext1 = 5,

    /// <summary>A chunk of the second ciphertext part and the ciphertext MAC.</summary>
    Ciphertext2 = 6,
}
