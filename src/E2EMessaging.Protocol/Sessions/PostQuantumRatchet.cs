using E2EMessaging.Protocol.Proto.Spqr;
using E2EMessaging.Protocol.Spqr;
using Google.Protobuf;

namespace E2EMessaging.Protocol.Sessions;

/// <summary>
/// Where SPQR (the sparse post-quantum ratchet, <see cref="SpqrRatchet"/>) joins the Double Ratchet, in libsignal's
/// order: on send it runs before the message key is derived and its key salts the message-key HKDF; on receive it
/// runs after the DH step and before the MAC check. Its state lives in the session state (<c>pq_ratchet_state</c>)
/// and its message in SignalMessage field 5.
/// </summary>
/// <remarks>
/// Errors follow libsignal's mapping: a stored state that does not decode is <see cref="ProtocolErrorKind.InvalidEncoding"/>
/// (libsignal's InvalidState); anything SPQR refuses about an incoming message is
/// <see cref="ProtocolErrorKind.InvalidMessage"/>, so that the session cipher goes on to try older session states
/// exactly as libsignal does (an SPQR key already used is not a duplicate message as far as the Double Ratchet knows).
/// </remarks>
internal static class PostQuantumRatchet
{
    /// <summary>Largest SPQR key.</summary>
    public const int KeyLength = SpqrRatchet.KeyLength;

    /// <summary>The state a new session starts with (SPQR required, as libsignal 0.103 creates it).</summary>
    public static ByteString InitialState(ReadOnlySpan<byte> authKey, bool initiator, bool selfSession) =>
        SpqrRatchet.InitialState(authKey, initiator ? SpqrDirection.AToB : SpqrDirection.BToA, selfSession);

    /// <summary>Advances the sending side. Returns the new state; <paramref name="keyLength"/> is 0 when there is no key.</summary>
    public static ByteString Send(ByteString state, IRandomSource random, Span<byte> key, out int keyLength, out ByteString message, SpqrStateCache.Slot? cache = null) =>
        SpqrRatchet.Send(state, random, key, out keyLength, out message, cache);

    /// <summary>Advances the receiving side with the peer's message. Returns the new state; <paramref name="keyLength"/> is 0 when there is no key.</summary>
    public static ByteString Receive(ByteString state, ByteString message, Span<byte> key, out int keyLength, SpqrStateCache.Slot? cache = null)
    {
        try
        {
            return SpqrRatchet.Receive(state, message, key, out keyLength, cache);
        }
        catch (ProtocolException e) when (e.Kind != ProtocolErrorKind.InvalidEncoding && e.Kind != ProtocolErrorKind.InvalidMessage)
        {
            throw new ProtocolException(ProtocolErrorKind.InvalidMessage, "The message's post-quantum ratchet part was refused.", e);
        }
    }
}
