namespace E2EMessaging.Protocol.Sessions;

/// <summary>
/// Serializes async work per <see cref="ProtocolAddress"/>, so that two operations on one session never interleave
/// between load and store, while different addresses run in parallel. There is no global lock: each address gets
/// a <see cref="SemaphoreSlim"/>, created on first use and reference-counted under one of
/// <see cref="StripeCount"/> small locks chosen by hash, and dropped when its last holder or waiter leaves, so
/// memory follows the number of addresses in use, not the number ever seen.
/// </summary>
/// <example>
/// <code>
/// using (await locks.AcquireAsync(address, cancellationToken).ConfigureAwait(false))
/// {
///     // load, change and store the session for address
/// }
/// </code>
/// </example>
internal sealed class AddressLocks
{
    /// <summary>Number of stripes. A power of two; 64 keeps contention between unrelated addresses rare
    /// (each stripe lock is held only for a dictionary lookup and a counter change).</summary>
    internal const int StripeCount = 64;

    private readonly Stripe[] _stripes = CreateStripes();

    /// <summary>
    /// Waits until no one else holds <paramref name="address"/>, then holds it until the returned releaser is disposed
    /// (exactly once). Waiters are not guaranteed to be served in arrival order.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled while waiting; nothing is held.</exception>
    public ValueTask<Releaser> AcquireAsync(ProtocolAddress address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        cancellationToken.ThrowIfCancellationRequested();
        Stripe stripe = StripeFor(address);
        Entry entry = stripe.AddReference(address);
        if (entry.Semaphore.Wait(0))
        {
            return new ValueTask<Releaser>(new Releaser(stripe, address, entry));
        }

        return WaitAsync(stripe, address, entry, cancellationToken);
    }

    /// <summary>Addresses currently held or waited for (for tests: zero when all work is done).</summary>
    internal int Count
    {
        get
        {
            int count = 0;
            foreach (Stripe stripe in _stripes)
            {
                count += stripe.Count;
            }

            return count;
        }
    }

    private static async ValueTask<Releaser> WaitAsync(Stripe stripe, ProtocolAddress address, Entry entry, CancellationToken cancellationToken)
    {
        try
        {
            await entry.Semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            stripe.RemoveReference(address, entry);
            throw;
        }

        return new Releaser(stripe, address, entry);
    }

    private Stripe StripeFor(ProtocolAddress address) => _stripes[address.GetHashCode() & (StripeCount - 1)];

    private static Stripe[] CreateStripes()
    {
        var stripes = new Stripe[StripeCount];
        for (int i = 0; i < stripes.Length; i++)
        {
            stripes[i] = new Stripe();
        }

        return stripes;
    }

    /// <summary>Holds one address until disposed. Dispose exactly once; a default instance does nothing.</summary>
    internal readonly struct Releaser : IDisposable
    {
        private readonly Stripe? _stripe;
        private readonly ProtocolAddress? _address;
        private readonly Entry? _entry;

        internal Releaser(Stripe stripe, ProtocolAddress address, Entry entry)
        {
            _stripe = stripe;
            _address = address;
            _entry = entry;
        }

        /// <summary>Lets the next waiter in, and forgets the address if no one else wants it.</summary>
        public void Dispose()
        {
            if (_entry is null)
            {
                return;
            }

            _entry.Semaphore.Release();
            _stripe!.RemoveReference(_address!, _entry);
        }
    }

    /// <summary>The lock of one address and how many callers hold or wait for it (guarded by its stripe).</summary>
    internal sealed class Entry
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int References { get; set; }
    }

    /// <summary>A share of the addresses, with a lock that guards only its map and reference counts.</summary>
    internal sealed class Stripe
    {
        private readonly Lock _lock = new();
        private readonly Dictionary<ProtocolAddress, Entry> _entries = [];

        public int Count
        {
            get
            {
                lock (_lock)
                {
                    return _entries.Count;
                }
            }
        }

        public Entry AddReference(ProtocolAddress address)
        {
            lock (_lock)
            {
                if (!_entries.TryGetValue(address, out Entry? entry))
                {
                    entry = new Entry();
                    _entries.Add(address, entry);
                }

                entry.References++;
                return entry;
            }
        }

        public void RemoveReference(ProtocolAddress address, Entry entry)
        {
            lock (_lock)
            {
                if (--entry.References == 0)
                {
                    _entries.Remove(address);
                    entry.Semaphore.Dispose();
                }
            }
        }
    }
}
