namespace E2EMessaging.Relay;

/// <summary>The relay's default limits, each with its reason. <see cref="RelayOptions"/> overrides them.</summary>
public static class RelayLimits
{
    /// <summary>30 days: a phone off for a month still gets its messages; after that the sender's retry and the recipient's resync take over, and the relay holds no ciphertext forever.</summary>
    public static readonly TimeSpan DefaultInboxRetention = TimeSpan.FromDays(30);

    /// <summary>10,000 envelopes per device: weeks of a busy user's traffic, while bounding what one offline device (or a flood aimed at it) can make the relay hold.</summary>
    public const int DefaultMaxInboxEnvelopes = 10_000;

    /// <summary>7 days: longer than any client keeps retrying an unacknowledged submit, so a retry always finds its original ack.</summary>
    public static readonly TimeSpan DefaultDedupeRetention = TimeSpan.FromDays(7);

    /// <summary>One minute: short enough to recover quickly from a burst, long enough to count a flood.</summary>
    public static readonly TimeSpan DefaultRateLimitWindow = TimeSpan.FromMinutes(1);

    /// <summary>300 messages a minute per sender account: five a second sustained, far above a person typing, far below a spammer.</summary>
    public const int DefaultMaxMessagesPerWindow = 300;

    /// <summary>20,000 recipient devices a minute per sender account: about five messages a minute to a full 1,024-member group of four-device members.</summary>
    public const int DefaultMaxRecipientDevicesPerWindow = 20_000;

    /// <summary>10 one-time prekeys: Signal clients replenish below a similar mark, so a burst of new contacts does not exhaust the pool.</summary>
    public const int DefaultPreKeyLowThreshold = 10;

    /// <summary>5,000 bundles per requesting account per window: enough to start sessions with every device of a full group (1,024 members with 4 devices each) at once.</summary>
    public const int DefaultMaxBundlesPerWindow = 5_000;

    /// <summary>5 bundle fetches of one target account by one requesting account per window: a client fetches a peer's bundles once per new session (and again after a device mismatch), so more is an attempt to drain the peer's one-time prekeys.</summary>
    public const int DefaultMaxFetchesOfOneAccountPerWindow = 5;

    /// <summary>4 challenges outstanding per connection: enough for a duplicated or retried challenge request, too few to matter for guessing (each is 32 random bytes, and one proof attempt uses them all up).</summary>
    internal const int OutstandingChallenges = 4;

    /// <summary>100 envelopes per store read while draining an inbox: bounds memory per connection.</summary>
    internal const int DeliveryBatchSize = 100;

    /// <summary>64 frames buffered per connection before the relay waits for the host to send them: backpressure, not unbounded memory.</summary>
    internal const int PushBufferFrames = 64;
}
