using E2EMessaging.Wire;

namespace E2EMessaging.Relay;

/// <summary>
/// The relay's limits. Every one is metadata-only: the relay never looks inside a ciphertext. The defaults are
/// <see cref="RelayLimits"/>; tighten them for your deployment. None may exceed the wire limits in <see cref="WireLimits"/>.
/// </summary>
public sealed class RelayOptions
{
    /// <summary>How long an undelivered envelope waits in an inbox before it is dropped. Default 30 days.</summary>
    public TimeSpan InboxRetention { get; set; } = RelayLimits.DefaultInboxRetention;

    /// <summary>Most envelopes one device's inbox holds; a submit that would go over is refused as <see cref="MessagingErrorKind.InboxFull"/>. Default 10,000.</summary>
    public int MaxInboxEnvelopes { get; set; } = RelayLimits.DefaultMaxInboxEnvelopes;

    /// <summary>How long the relay remembers an accepted (sender device, ClientMessageId) to answer retries with the original ack. Default 7 days.</summary>
    public TimeSpan DedupeRetention { get; set; } = RelayLimits.DefaultDedupeRetention;

    /// <summary>The rate-limit window. Default one minute.</summary>
    public TimeSpan RateLimitWindow { get; set; } = RelayLimits.DefaultRateLimitWindow;

    /// <summary>Most submits one sender account may have accepted per window. Default 300.</summary>
    public int MaxMessagesPerWindow { get; set; } = RelayLimits.DefaultMaxMessagesPerWindow;

    /// <summary>Most recipient devices one sender account may reach per window, summed over its submits (fan-out breadth). Default 20,000.</summary>
    public int MaxRecipientDevicesPerWindow { get; set; } = RelayLimits.DefaultMaxRecipientDevicesPerWindow;

    /// <summary>Most recipient devices in one submit. Default and maximum <see cref="WireLimits.MaxRecipientsPerSubmit"/>.</summary>
    public int MaxRecipientsPerSubmit { get; set; } = WireLimits.MaxRecipientsPerSubmit;

    /// <summary>Most prekey bundles one requesting account may take per window, over all targets. Default 5,000.</summary>
    public int MaxBundlesPerWindow { get; set; } = RelayLimits.DefaultMaxBundlesPerWindow;

    /// <summary>Most bundle fetches of one target account by one requesting account per window, so that nobody can drain another device's one-time prekeys. Default 5.</summary>
    public int MaxFetchesOfOneAccountPerWindow { get; set; } = RelayLimits.DefaultMaxFetchesOfOneAccountPerWindow;

    /// <summary>Below this many one-time prekeys of either kind the relay tells the device to upload more. Default 10.</summary>
    public int PreKeyLowThreshold { get; set; } = RelayLimits.DefaultPreKeyLowThreshold;

    internal void Validate()
    {
        static void Positive(TimeSpan value, string name)
        {
            if (value <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(name, "Must be positive.");
            }
        }

        Positive(InboxRetention, nameof(InboxRetention));
        Positive(DedupeRetention, nameof(DedupeRetention));
        Positive(RateLimitWindow, nameof(RateLimitWindow));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxInboxEnvelopes, nameof(MaxInboxEnvelopes));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxMessagesPerWindow, nameof(MaxMessagesPerWindow));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxRecipientDevicesPerWindow, nameof(MaxRecipientDevicesPerWindow));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxRecipientsPerSubmit, nameof(MaxRecipientsPerSubmit));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxRecipientsPerSubmit, WireLimits.MaxRecipientsPerSubmit, nameof(MaxRecipientsPerSubmit));
        ArgumentOutOfRangeException.ThrowIfNegative(PreKeyLowThreshold, nameof(PreKeyLowThreshold));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxBundlesPerWindow, nameof(MaxBundlesPerWindow));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxFetchesOfOneAccountPerWindow, nameof(MaxFetchesOfOneAccountPerWindow));
    }
}
