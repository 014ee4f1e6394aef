using E2EMessaging.Protocol.Messages;
using E2EMessaging.Protocol.Storage;

namespace E2EMessaging.Protocol.Sessions;

/// <summary>
/// 1:1 sessions for one local device, wire-compatible with libsignal 0.103: starts sessions from prekey
/// bundles (PQXDH), encrypts with the Double Ratchet, and decrypts <see cref="SignalMessage"/> and
/// <see cref="PreKeySignalMessage"/>.
/// </summary>
/// <remarks>
/// Create one instance per local device and share it: it serializes the operations on each remote address (so
/// concurrent encrypts never reuse a message key) while different addresses run in parallel. Stored state only
/// changes after a message authenticated; a failed or tampered message leaves the stores as they were.
/// </remarks>
public sealed partial class SessionCipher
{
    private readonly ProtocolAddress _localAddress;
    private readonly IIdentityKeyStore _identityStore;
    private readonly ISessionStore _sessionStore;
    private readonly IPreKeyStore _preKeyStore;
    private readonly ISignedPreKeyStore _signedPreKeyStore;
    private readonly IKyberPreKeyStore _kyberPreKeyStore;
    private readonly TimeProvider _time;
    private readonly IRandomSource _random;
    private readonly AddressLocks _locks = new();

    // Decoded SPQR states by address, so consecutive messages on a session do not decode the same state bytes twice.
    private readonly Spqr.SpqrStateCache _spqrCache = new();

    /// <summary>Creates the cipher for the device at <paramref name="localAddress"/>.</summary>
    /// <param name="localAddress">This device's address (used for the address binding and same-account sessions).</param>
    /// <param name="identityStore">This device's identity and the identities it trusts.</param>
    /// <param name="sessionStore">Session records per remote address.</param>
    /// <param name="preKeyStore">One-time prekeys.</param>
    /// <param name="signedPreKeyStore">Signed prekeys.</param>
    /// <param name="kyberPreKeyStore">Kyber prekeys.</param>
    /// <param name="timeProvider">The clock (for the 30-day limit on unacknowledged sessions); the system clock when null.</param>
    /// <param name="random">Randomness for ratchet keys and Kyber encapsulation; the system CSPRNG when null.</param>
    public SessionCipher(
        ProtocolAddress localAddress,
        IIdentityKeyStore identityStore,
        ISessionStore sessionStore,
        IPreKeyStore preKeyStore,
        ISignedPreKeyStore signedPreKeyStore,
        IKyberPreKeyStore kyberPreKeyStore,
        TimeProvider? timeProvider = null,
        IRandomSource? random = null)
    {
        ArgumentNullException.ThrowIfNull(localAddress);
        ArgumentNullException.ThrowIfNull(identityStore);
        ArgumentNullException.ThrowIfNull(sessionStore);
        ArgumentNullException.ThrowIfNull(preKeyStore);
        ArgumentNullException.ThrowIfNull(signedPreKeyStore);
        ArgumentNullException.ThrowIfNull(kyberPreKeyStore);
        _localAddress = localAddress;
        _identityStore = identityStore;
        _sessionStore = sessionStore;
        _preKeyStore = preKeyStore;
        _signedPreKeyStore = signedPreKeyStore;
        _kyberPreKeyStore = kyberPreKeyStore;
        _time = timeProvider ?? TimeProvider.System;
        _random = random ?? SystemRandomSource.Instance;
    }

    /// <summary>Decrypts a <see cref="SignalMessage"/> or a <see cref="PreKeySignalMessage"/> from <paramref name="remoteAddress"/>.</summary>
    /// <exception cref="ProtocolException">
    /// The message fails authentication (<see cref="ProtocolErrorKind.InvalidMessage"/>), was already received
    /// (<see cref="ProtocolErrorKind.DuplicateMessage"/>), comes from an untrusted identity, names prekeys this device
    /// does not have, or there is no session for it.
    /// </exception>
    public ValueTask<byte[]> DecryptAsync(ProtocolAddress remoteAddress, CiphertextMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(remoteAddress);
        ArgumentNullException.ThrowIfNull(message);
        return message switch
        {
            PreKeySignalMessage preKeyMessage => DecryptPreKeyMessageAsync(remoteAddress, preKeyMessage, cancellationToken),
            SignalMessage signalMessage => DecryptSignalMessageAsync(remoteAddress, signalMessage, cancellationToken),
            _ => throw new ArgumentException($"SessionCipher decrypts 1:1 messages, not {message.Type}.", nameof(message)),
        };
    }

    /// <summary>Whether this is a session between two devices of the same account, which lifts the forward-jump limit (as libsignal does).</summary>
    private int MaxForwardJumps(SessionState state, ProtocolAddress remoteAddress) =>
        ServiceIds.IsSameAccount(_localAddress, state.LocalIdentity, remoteAddress, state.RemoteIdentity) ? int.MaxValue : Limits.MaxForwardJumps;
}
