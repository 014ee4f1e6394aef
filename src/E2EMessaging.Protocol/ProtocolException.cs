namespace E2EMessaging.Protocol;

/// <summary>What went wrong in a <see cref="ProtocolException"/>.</summary>
public enum ProtocolErrorKind
{
    /// <summary>Bytes that should hold a key have the wrong length, or the key is not a valid point.</summary>
    InvalidKey = 1,

    /// <summary>The type byte in front of a serialized key is not one this library accepts.</summary>
    InvalidKeyType,

    /// <summary>A signature did not verify.</summary>
    InvalidSignature,

    /// <summary>A serialized record, message or protobuf could not be decoded.</summary>
    InvalidEncoding,

    /// <summary>A KEM ciphertext has the wrong type byte or length.</summary>
    InvalidCiphertext,

    /// <summary>A fingerprint has a different version from ours.</summary>
    FingerprintVersionMismatch,

    /// <summary>A key agreement produced the all-zero value: the peer sent a low-order point.</summary>
    InvalidKeyAgreement,

    /// <summary>The peer's identity key differs from the one the identity store trusts for that address.</summary>
    UntrustedIdentity,

    /// <summary>A message failed authentication or could not be decrypted with any session state.</summary>
    InvalidMessage,

    /// <summary>A message was already decrypted (its message key is gone).</summary>
    DuplicateMessage,

    /// <summary>A message uses a protocol version this library does not speak (older, or newer).</summary>
    UnsupportedVersion,

    /// <summary>There is no usable session with the address.</summary>
    NoSession,

    /// <summary>A prekey message names a one-time prekey the store does not have.</summary>
    InvalidPreKeyId,

    /// <summary>A prekey message names a signed prekey the store does not have.</summary>
    InvalidSignedPreKeyId,

    /// <summary>A prekey message names a Kyber prekey the store does not have.</summary>
    InvalidKyberPreKeyId,

    /// <summary>A last-resort Kyber prekey was used twice with the same signed prekey and base key: a replay.</summary>
    KyberPreKeyReused,

    /// <summary>A message is further ahead in its chain than the protocol allows (see the forward-jump limit).</summary>
    MessageTooFarAhead,

    /// <summary>There is no sender key for this (sender, distribution id, chain id): the sender's distribution message has not been processed.</summary>
    NoSenderKeyState,
}

/// <summary>
/// An expected outcome of the protocol — bad input, a failed signature, a key we refuse — as opposed to
/// misuse of the API (which throws <see cref="ArgumentException"/> or <see cref="InvalidOperationException"/>).
/// The message never contains key material.
/// </summary>
public sealed class ProtocolException : Exception
{
    /// <summary>Creates an exception of the given kind.</summary>
    public ProtocolException(ProtocolErrorKind kind, string message)
        : base(message)
    {
        Kind = kind;
    }

    /// <summary>Creates an exception of the given kind that wraps another.</summary>
    public ProtocolException(ProtocolErrorKind kind, string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = kind;
    }

    /// <summary>What went wrong.</summary>
    public ProtocolErrorKind Kind { get; }
}
