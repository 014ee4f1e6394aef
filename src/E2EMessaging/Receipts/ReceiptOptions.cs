namespace E2EMessaging.Receipts;

/// <summary>How receipts are batched and when group reads are aggregated.</summary>
public sealed class ReceiptOptions
{
    /// <summary>How long a receipt may wait for others to coalesce with (default 1 s). Zero sends at once.</summary>
    public TimeSpan BatchWindow { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many receipt events a batch may collect before it is sent without waiting for the window (default 50).</summary>
    public int MaxBatchSize { get; set; } = 50;

    /// <summary>
    /// Groups with more members than this (default 100) aggregate reads: readers send only watermarks and senders
    /// keep one watermark per reader and report "read by N of M" instead of per-device read ticks.
    /// </summary>
    public int LargeGroupThreshold { get; set; } = 100;

    /// <summary>The type name.</summary>
    public override string ToString() => $"{nameof(ReceiptOptions)}(window {BatchWindow}, max {MaxBatchSize}, large group > {LargeGroupThreshold})";
}
