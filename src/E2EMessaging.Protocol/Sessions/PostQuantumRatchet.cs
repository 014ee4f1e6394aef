using Google.Protobuf;

namespace E2EMessaging.Protocol.Sessions;

/// <summary>
/// The seam where SPQR (the sparse post-quantum ratchet, signal.org/docs/specifications/mlkembraid) joins the
/// Double Ratchet: on send it runs before the message key is derived and its key salts the message-key HKDF; on
/// receive it runs after the DH step and before the MAC check; its state lives in the session state
/// (<c>pq_ratchet_state</c>) and its message in SignalMessage field 5.
/// </summary>
/// <remarks>
/// A session whose state is empty runs without SPQR, exactly as libsignal runs such sessions: no key (the
/// HKDF salt is absent) and no message. Running the braid itself for non-empty states is the SPQR work item;
/// until then such a state is refused rather than silently ignored.
/// </remarks>
internal static class PostQuantumRatchet
{
    /// <summary>Largest SPQR key.</summary>
    public const int KeyLength = 32;

    /// <summary>Advances the sending side. Returns the new state; <paramref name="keyLength"/> is 0 when there is no key.</summary>
    public static ByteString Send(ByteString state, IRandomSource random, Span<byte> key, out int keyLength, out ByteString message)
    {
        _ = random;
        _ = key;
        RefuseUnsupported(state);
        keyLength = 0;
        message = ByteString.Empty;
        return state;
    }

    /// <summary>Advances the receiving side with the peer's message. Returns the new state; <paramref name="keyLength"/> is 0 when there is no key.</summary>
    public static ByteString Receive(ByteString state, ByteString message, Span<byte> key, out int keyLength)
    {
        _ = message;
        _ = key;
        RefuseUnsupported(state);
        keyLength = 0;
        return state;
    }

    private static void RefuseUnsupported(ByteString state)
    {
        if (!state.IsEmpty)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.UnsupportedVersion, "This session carries SPQR state, which this version of the library does not run yet.");
        }
    }
}
