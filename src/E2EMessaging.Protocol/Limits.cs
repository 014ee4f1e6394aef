namespace E2EMessaging.Protocol;

/// <summary>Every limit the protocol enforces, named, with the reason beside it.</summary>
internal static class Limits
{
    /// <summary>
    /// Largest serialized key record, identity or fingerprint we parse (64 KiB). The largest legitimate one,
    /// a Kyber prekey record, is under 5 KiB; anything much larger is hostile and is refused before the
    /// parser allocates for it.
    /// </summary>
    public const int MaxKeyRecordLength = 64 * 1024;

    /// <summary>Device ids are 1 to 127, as libsignal's <c>DeviceId</c>.</summary>
    public const uint MinDeviceId = 1;

    /// <summary>Device ids are 1 to 127, as libsignal's <c>DeviceId</c>.</summary>
    public const uint MaxDeviceId = 127;

    /// <summary>libsignal refuses fewer than 2 or more than this many fingerprint iterations.</summary>
    public const int MaxFingerprintIterations = 1_000_000;

    /// <summary>
    /// Largest serialized session record we parse (32 MiB). A full record — 41 states, each with 5 receiving
    /// chains of 2,000 skipped keys — stays below 20 MiB; anything larger is hostile.
    /// </summary>
    public const int MaxSessionRecordLength = 32 * 1024 * 1024;

    /// <summary>Archived session states kept per record (libsignal: ARCHIVED_STATES_MAX_LENGTH).</summary>
    public const int MaxArchivedStates = 40;

    /// <summary>Receiving chains kept per session state; older ones are dropped (libsignal: MAX_RECEIVER_CHAINS).</summary>
    public const int MaxReceiverChains = 5;

    /// <summary>Skipped message keys kept per receiving chain; the oldest are dropped first (libsignal: MAX_MESSAGE_KEYS).</summary>
    public const int MaxSkippedMessageKeys = 2000;

    /// <summary>
    /// How far ahead of the chain a message may be (libsignal: MAX_FORWARD_JUMPS). Deriving keys costs an HMAC
    /// each, so this bounds the work a single hostile message can cause.
    /// </summary>
    public const int MaxForwardJumps = 25_000;

    /// <summary>
    /// How long an initiator keeps sending prekey messages without a reply before it treats the session as
    /// unusable (libsignal: MAX_UNACKNOWLEDGED_SESSION_AGE, 30 days).
    /// </summary>
    public static readonly TimeSpan MaxUnacknowledgedSessionAge = TimeSpan.FromDays(30);

    /// <summary>
    /// Largest 1:1 or prekey message we parse (2 MiB). Content is encrypted per message and attachments travel
    /// as pointers, so real messages are far smaller; the bound stops a hostile peer from making us buffer more.
    /// </summary>
    public const int MaxMessageLength = 2 * 1024 * 1024;

    /// <summary>
    /// Sender-key states kept per (sender, distribution id), newest first (libsignal: MAX_SENDER_KEY_STATES): a
    /// member that rotates its key keeps old ones decryptable for late messages, up to this many.
    /// </summary>
    public const int MaxSenderKeyStates = 5;

    /// <summary>
    /// How far ahead of an SPQR chain's counter a key may be asked for when the chain's parameters say 0
    /// (SPQR v1.5.3 default <c>max_jump</c>). Each skipped key costs an HKDF, so this bounds the work one hostile
    /// message can cause. libsignal passes the same number explicitly (its MAX_FORWARD_JUMPS), except for a
    /// session with oneself, where it passes <see cref="uint.MaxValue"/>.
    /// </summary>
    public const uint SpqrDefaultMaxJump = 25_000;

    /// <summary>
    /// How far behind an SPQR chain's counter an out-of-order key is still kept when the chain's parameters say 0
    /// (SPQR v1.5.3 default <c>max_ooo_keys</c>; libsignal passes its MAX_MESSAGE_KEYS, the same 2,000). Older
    /// keys are dropped so that a session state stays bounded.
    /// </summary>
    public const uint SpqrDefaultMaxOutOfOrderKeys = 2_000;

    /// <summary>
    /// Largest SPQR <c>max_ooo_keys</c> we accept in a stored chain or a new one (libsignal uses 2,000; SPQR itself
    /// sets no bound). Every kept key costs 36 bytes of session state, so a state asking for more is refused as
    /// hostile rather than allowed to grow without bound.
    /// </summary>
    public const uint SpqrMaxOutOfOrderKeysAccepted = 100_000;

    /// <summary>
    /// Epochs an SPQR chain keeps before its current sending epoch (SPQR v1.5.3: one), so that messages the
    /// peer sent in the previous epoch still decrypt after we have moved on; older epochs are dropped.
    /// </summary>
    public const int SpqrEpochsKeptBeforeSendEpoch = 1;
}
