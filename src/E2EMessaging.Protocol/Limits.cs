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

    /// <summary>Safety numbers hash this many times (libsignal's and Signal's choice).</summary>
    public const int DefaultFingerprintIterations = 5200;

    /// <summary>libsignal refuses fewer than 2 or more than this many fingerprint iterations.</summary>
    public const int MaxFingerprintIterations = 1_000_000;
}
