namespace E2EMessaging;

/// <summary>What went wrong in a <see cref="MessagingException"/>.</summary>
public enum MessagingErrorKind
{
    /// <summary>Bytes that should hold a content, receipt or pointer could not be decoded (truncated, malformed, a field of the wrong shape).</summary>
    InvalidContent = 1,

    /// <summary>The content names a format version this library does not speak.</summary>
    UnsupportedVersion,

    /// <summary>A field or the whole message is larger than the limit this library accepts.</summary>
    TooLarge,

    /// <summary>A key, digest or identifier has the wrong length.</summary>
    InvalidLength,

    /// <summary>The content carries no body, or a body of a type this library does not know.</summary>
    UnknownContentType,

    /// <summary>An attachment blob's SHA-256 digest differs from the one its pointer carries.</summary>
    AttachmentDigestMismatch,

    /// <summary>An attachment blob's HMAC-SHA256 does not verify, or its ciphertext does not decrypt.</summary>
    AttachmentTampered,

    /// <summary>The blob store has no blob under the pointer's id.</summary>
    AttachmentNotFound,

    /// <summary>A group operation would exceed the group size limit.</summary>
    GroupTooLarge,

    /// <summary>The group is unknown, or the account is not a member of it.</summary>
    NotAGroupMember,

    /// <summary>The relay could not be reached or refused the request after every retry.</summary>
    TransportFailure,

    /// <summary>The recipient's device set changed and could not be reconciled within the allowed resubmits.</summary>
    DeviceMismatch,

    /// <summary>A message could not be decrypted.</summary>
    DecryptionFailed,
}

/// <summary>
/// An expected outcome of the messaging layer — hostile or malformed input, a tampered attachment, a relay that
/// keeps refusing — as opposed to misuse of the API (which throws <see cref="ArgumentException"/> or
/// <see cref="InvalidOperationException"/>). The message never contains key material or plaintext.
/// </summary>
public sealed class MessagingException : Exception
{
    /// <summary>Creates an exception of the given kind.</summary>
    public MessagingException(MessagingErrorKind kind, string message)
        : base(message)
    {
        Kind = kind;
    }

    /// <summary>Creates an exception of the given kind that wraps another.</summary>
    public MessagingException(MessagingErrorKind kind, string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = kind;
    }

    /// <summary>What went wrong.</summary>
    public MessagingErrorKind Kind { get; }
}
