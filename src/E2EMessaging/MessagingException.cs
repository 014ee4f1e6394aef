namespace E2EMessaging;

/// <summary>What went wrong in a <see cref="MessagingException"/> or a refused submit.</summary>
public enum MessagingErrorKind
{
    /// <summary>Bytes could not be decoded: truncated, not protobuf, a missing or out-of-range field, an unknown type.</summary>
    InvalidEncoding = 1,

    /// <summary>The format's version is not one this library speaks.</summary>
    UnsupportedVersion,

    /// <summary>A frame, field or list is over its named limit.</summary>
    TooLarge,

    /// <summary>The connection has not proved which device it is (or the proof failed).</summary>
    Unauthenticated,

    /// <summary>The authenticated device may not do this (another device's inbox, another account's devices).</summary>
    Forbidden,

    /// <summary>The account, device or prekey bundle does not exist.</summary>
    NotFound,

    /// <summary>The account or device already exists.</summary>
    Conflict,

    /// <summary>A submit reuses a ClientMessageId that the relay already accepted with different content.</summary>
    ConflictingDuplicate,

    /// <summary>A recipient device's inbox is at its cap; the sender should retry later.</summary>
    InboxFull,

    /// <summary>The sender is over a rate limit; see <see cref="MessagingException.RetryAfter"/>.</summary>
    RateLimited,

    /// <summary>A submit names more recipient devices than the relay allows in one fan-out.</summary>
    TooManyRecipients,

    /// <summary>A signature (device authentication, signed prekey) did not verify.</summary>
    InvalidSignature,

    /// <summary>The transport's connection dropped before an answer came; the request may or may not have been applied.</summary>
    Disconnected,

    /// <summary>The relay failed for a reason of its own; nothing was changed by the request.</summary>
    ServerError,

    /// <summary>An attachment blob's SHA-256 digest differs from the one its pointer carries: not the blob the sender uploaded.</summary>
    AttachmentDigestMismatch,

    /// <summary>An attachment blob's HMAC-SHA256 does not verify, its ciphertext does not decrypt, or its size differs from its pointer's.</summary>
    AttachmentTampered,

    /// <summary>A group operation would exceed the group size limit.</summary>
    GroupTooLarge,

    /// <summary>The group is unknown here, or the account is not a member of it.</summary>
    NotAGroupMember,

    /// <summary>The recipient's device set kept changing and could not be reconciled within the allowed resubmits.</summary>
    DeviceMismatch,

    /// <summary>A message could not be decrypted (its session or sender key is missing or out of step); a retry was requested.</summary>
    DecryptionFailed,
}

/// <summary>
/// An expected outcome of messaging — hostile or malformed input, a refusal by the relay, a dropped connection — as
/// opposed to misuse of the API (which throws <see cref="ArgumentException"/> or <see cref="InvalidOperationException"/>).
/// The message names identifiers only, never content or key material.
/// </summary>
public sealed class MessagingException : Exception
{
    /// <summary>Creates an exception of the given kind.</summary>
    public MessagingException(MessagingErrorKind kind, string message)
        : base(message)
    {
        Kind = kind;
    }

    /// <summary>Creates an exception of the given kind with a hint of when to retry.</summary>
    public MessagingException(MessagingErrorKind kind, string message, TimeSpan? retryAfter)
        : base(message)
    {
        Kind = kind;
        RetryAfter = retryAfter;
    }

    /// <summary>Creates an exception of the given kind that wraps another.</summary>
    public MessagingException(MessagingErrorKind kind, string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = kind;
    }

    /// <summary>What went wrong.</summary>
    public MessagingErrorKind Kind { get; }

    /// <summary>For <see cref="MessagingErrorKind.RateLimited"/> and <see cref="MessagingErrorKind.InboxFull"/>: when a retry may succeed, if known.</summary>
    public TimeSpan? RetryAfter { get; }
}
