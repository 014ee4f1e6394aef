namespace E2EMessaging;

/// <summary>Every limit the messaging layer enforces, named, with the reason beside it.</summary>
internal static class Limits
{
    /// <summary>Version of the content format this library writes and the only one it reads.</summary>
    public const uint ContentVersion = 1;

    /// <summary>
    /// Largest serialized content we parse (256 KiB). Media travels as attachment pointers, so a legitimate content
    /// is text plus a few pointers; anything larger is refused before the parser allocates for it.
    /// </summary>
    public const int MaxContentLength = 256 * 1024;

    /// <summary>Longest message text in UTF-16 code units (64 Ki), as messengers cap a message body.</summary>
    public const int MaxTextLength = 64 * 1024;

    /// <summary>Attachments per message (32): albums are small; a bound keeps decoding linear and small.</summary>
    public const int MaxAttachments = 32;

    /// <summary>Message ids in one receipt's id list (1,000); longer read ranges are expressed as a watermark.</summary>
    public const int MaxReceiptIds = 1000;

    /// <summary>Longest short string field (blob id, content type, file name, emoji, account name): 256 code units.</summary>
    public const int MaxShortString = 256;

    /// <summary>Largest serialized sender-key distribution message (1 KiB; a real one is under 200 bytes).</summary>
    public const int MaxDistributionMessageLength = 1024;

    /// <summary>Device ids are 1 to 127, as libsignal's <c>DeviceId</c>.</summary>
    public const uint MaxDeviceId = 127;

    /// <summary>Attachment key: a 32-byte AES-256 key followed by a 32-byte HMAC-SHA256 key, as Signal's.</summary>
    public const int AttachmentKeyLength = 64;

    /// <summary>SHA-256 digest length.</summary>
    public const int DigestLength = 32;

    /// <summary>Largest attachment plaintext we encrypt or decrypt (100 MiB), so a hostile pointer cannot make us buffer without bound.</summary>
    public const long MaxAttachmentLength = 100L * 1024 * 1024;

    /// <summary>Group ids are 16 bytes (a <see cref="Guid"/>).</summary>
    public const int GroupIdLength = 16;

    /// <summary>
    /// Most members a group update may list when decoding (4,096): above any configured group size limit a client
    /// would sensibly use, and a bound on what one hostile update can make us allocate.
    /// </summary>
    public const int MaxGroupSizeOnWire = 4096;

    /// <summary>Default largest group (1,024 members), WhatsApp's limit.</summary>
    public const int DefaultMaxGroupSize = 1024;
}
