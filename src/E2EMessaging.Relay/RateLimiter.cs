using System.Collections.Concurrent;

namespace E2EMessaging.Relay;

/// <summary>
/// Fixed-window counters, metadata only: per sender account, messages accepted and recipient devices reached; per
/// requesting account, prekey bundles taken, and fetches of each target account. One lock per counter.
/// </summary>
internal sealed class RateLimiter
{
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Window> _bundleWindows = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Requester, string Target), Window> _fetchWindows = new();
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

    /// <summary>
    /// Counts a fetch of <paramref name="bundles"/> bundles of <paramref name="target"/>'s devices by
    /// <paramref name="requester"/> when it is within both limits (and returns null); else counts nothing and returns how
    /// long until the tighter window resets.
    /// </summary>
    public TimeSpan? TakeBundles(string requester, string target, int bundles)
    {
        DateTimeOffset now = _time.GetUtcNow();
        Window total = _bundleWindows.GetOrAdd(requester, static _ => new Window());
        Window pair = _fetchWindows.GetOrAdd((requester, target), static _ => new Window());
        lock (total)
        {
            lock (pair)
            {
                total.Roll(now, _options.RateLimitWindow);
                pair.Roll(now, _options.RateLimitWindow);
                if (total.Recipients + bundles > _options.MaxBundlesPerWindow || pair.Messages + 1 > _options.MaxFetchesOfOneAccountPerWindow)
                {
                    return (total.Recipients + bundles > _options.MaxBundlesPerWindow ? total.Start : pair.Start) + _options.RateLimitWindow - now;
                }

                total.Recipients += bundles;
                pair.Messages++;
                return null;
            }
        }
    }

    /// <summary>Forgets windows that ended (called by the sweep).</summary>
    public void Prune()
    {
        Prune(_windows);
        Prune(_bundleWindows);
        Prune(_fetchWindows);
    }

    private void Prune<TKey>(ConcurrentDictionary<TKey, Window> windows)
        where TKey : notnull
    {
        DateTimeOffset now = _time.GetUtcNow();
        foreach (KeyValuePair<TKey, Window> entry in windows)
        {
            bool stale;
            lock (entry.Value)
            {
                stale = entry.Value.Start + _options.RateLimitWindow <= now;
            }

            if (stale)
            {
                windows.TryRemove(entry);
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
