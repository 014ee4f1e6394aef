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
