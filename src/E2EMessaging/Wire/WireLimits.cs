namespace E2EMessaging.Wire;

/// <summary>
/// The bounds every decoder of the envelope and relay formats enforces before it allocates. A relay may be
/// configured tighter (see its options), never looser: a peer that stays within these is always decodable.
/// </summary>
public static class WireLimits
{
    /// <summary>The envelope and submit format version this library writes and the only one it reads.</summary>
    public const uint CurrentVersion = 1;

    /// <summary>A ClientMessageId is a UUID (RFC 9562), 16 bytes.</summary>
    public const int ClientMessageIdLength = 16;

    /// <summary>
    /// Largest ciphertext in one envelope: 256 KiB. Text and attachment pointers are far smaller (media travels as
    /// encrypted blobs the host stores); the bound keeps one envelope's memory on the relay and in an inbox small.
    /// </summary>
    public const int MaxCiphertextLength = 256 * 1024;

    /// <summary>Largest account (service) id, in UTF-8 bytes: a service id is 36 characters; 128 leaves room for host schemes.</summary>
    public const int MaxAccountIdLength = 128;

    /// <summary>Largest opaque group id: 64 bytes (a 32-byte group id, or a UUID, with room to spare).</summary>
    public const int MaxGroupIdLength = 64;

    /// <summary>
    /// Most recipient devices in one submit: 4,096 (a 1,024-member group at four devices each). A relay may allow
    /// fewer (fan-out breadth is also rate limited), never more.
    /// </summary>
    public const int MaxRecipientsPerSubmit = 4096;

    /// <summary>Largest encoded frame between client and relay: 4 MiB, so a hostile frame cannot make either side allocate more.</summary>
    public const int MaxFrameLength = 4 * 1024 * 1024;

    /// <summary>Most devices per account: device ids are 1–127, as in libsignal.</summary>
    public const int MaxDevicesPerAccount = 127;

    /// <summary>Most one-time prekeys (of each kind) in one upload: 100, as Signal clients upload them.</summary>
    public const int MaxPreKeysPerUpload = 100;

    /// <summary>Most server sequences in one acknowledgement: 1,000.</summary>
    public const int MaxAcksPerRequest = 1000;

    /// <summary>Length of the relay's authentication challenge: 32 random bytes.</summary>
    public const int ChallengeLength = 32;

    /// <summary>Length of an XEdDSA signature.</summary>
    public const int SignatureLength = 64;

    /// <summary>Length of a device-set hash: SHA-256.</summary>
    public const int DeviceSetHashLength = 32;

    /// <summary>Largest error message text the relay sends (characters); longer ones are cut.</summary>
    public const int MaxErrorMessageLength = 256;
}
