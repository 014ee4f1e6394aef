using E2EMessaging.Receipts;

namespace E2EMessaging.Client;

/// <summary>How a <see cref="MessagingClient"/> behaves. Defaults follow what large messengers do.</summary>
public sealed class MessagingClientOptions
{
    /// <summary>This device's account name (the relay's account id). Required.</summary>
    public string Account { get; set; } = string.Empty;

    /// <summary>This device's id within the account: 1 for the account's first device, the relay-assigned id for a linked one.</summary>
    public uint DeviceId { get; set; } = 1;

    /// <summary>One-time prekeys of each kind (Curve25519 and Kyber) per upload batch (default 100, the relay's per-upload limit).</summary>
    public int PreKeyBatchSize { get; set; } = 100;

    /// <summary>How often the signed prekey is replaced (default 7 days). Zero or negative turns the schedule off.</summary>
    public TimeSpan SignedPreKeyRotationInterval { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Largest group this client creates or grows (default 1,024 members).</summary>
    public int MaxGroupSize { get; set; } = Limits.DefaultMaxGroupSize;

    /// <summary>A sender key is replaced after this many messages (default 1,000).</summary>
    public long SenderKeyRotationMessages { get; set; } = 1000;

    /// <summary>A sender key is replaced when it is this old (default 7 days).</summary>
    public TimeSpan SenderKeyRotationInterval { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Submits tried per message before it waits in the outbox for the next connection (default 5).</summary>
    public int MaxSubmitAttempts { get; set; } = 5;

    /// <summary>First retry delay; each retry doubles it (default 500 ms).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Resubmits after device mismatches per message before giving up (default 3).</summary>
    public int MaxDeviceMismatchRounds { get; set; } = 3;

    /// <summary>Retry requests this device sends for one undecryptable message, and resends it serves per requesting device (default 2).</summary>
    public int MaxRetryRequests { get; set; } = 2;

    /// <summary>How long (sender, ClientMessageId) pairs are remembered for deduplication (default 30 days, the relay's inbox retention).</summary>
    public TimeSpan DedupeWindow { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Receipt batching and large-group read aggregation.</summary>
    public ReceiptOptions Receipts { get; set; } = new();

    /// <summary>The type name and account.</summary>
    public override string ToString() => $"{nameof(MessagingClientOptions)}({Account}.{DeviceId})";
}
