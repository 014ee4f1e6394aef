using System.Collections.Concurrent;

namespace E2EMessaging.Relay;

/// <summary>
/// Fixed-window counters per sender account: messages accepted and recipient devices reached. Metadata only.
/// One lock per account.
/// </summary>
internal sealed class RateLimiter
{
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly RelayOptions _options;

    public RateLimiter(TimeProvider time, RelayOptions options)
    {
        _time = time;
        _options = options;
    }

    /// <summary>Null when a submit reaching <paramref name="recipients"/> devices is within the limits, else how long until the window resets.</summary>
    public TimeSpan? Check(string account, int recipients)
    {
        DateTimeOffset now = _time.GetUtcNow();
        Window window = _windows.GetOrAdd(account, static _ => new Window());
        lock (window)
        {
            window.Roll(now, _options.RateLimitWindow);
            if (window.Messages + 1 > _options.MaxMessagesPerWindow || window.Recipients + recipients > _options.MaxRecipientDevicesPerWindow)
            {
                return window.Start + _options.RateLimitWindow - now;
            }

            return null;
        }
    }

    /// <summary>Counts an accepted submit.</summary>
    public void Record(string account, int recipients)
    {
        DateTimeOffset now = _time.GetUtcNow();
        Window window = _windows.GetOrAdd(account, static _ => new Window());
        lock (window)
        {
            window.Roll(now, _options.RateLimitWindow);
            window.Messages++;
            window.Recipients += recipients;
        }
    }

    /// <summary>Forgets windows that ended (called by the sweep).</summary>
    public void Prune()
    {
        DateTimeOffset now = _time.GetUtcNow();
        foreach (KeyValuePair<string, Window> entry in _windows)
        {
            bool stale;
            lock (entry.Value)
            {
                stale = entry.Value.Start + _options.RateLimitWindow <= now;
            }

            if (stale)
            {
                _windows.TryRemove(entry);
            }
        }
    }

    private sealed class Window
    {
        public DateTimeOffset Start { get; private set; } = DateTimeOffset.MinValue;

        public int Messages { get; set; }

        public long Recipients { get; set; }

        public void Roll(DateTimeOffset now, TimeSpan length)
        {
            if (now >= Start + length || now < Start)
            {
                Start = now;
                Messages = 0;
                Recipients = 0;
            }
        }
    }
}
