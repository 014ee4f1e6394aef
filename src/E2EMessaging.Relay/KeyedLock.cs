using System.Collections.Concurrent;

namespace E2EMessaging.Relay;

/// <summary>An async lock per key (per sender device, per connection slot): work on different keys runs in parallel, and idle keys are forgotten.</summary>
internal sealed class KeyedLock<TKey>
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Entry> _entries = new();

    public async ValueTask<Releaser> AcquireAsync(TKey key, CancellationToken cancellationToken)
    {
        while (true)
        {
            Entry entry = _entries.GetOrAdd(key, static _ => new Entry());
            lock (entry)
            {
                if (entry.Dead)
                {
                    continue;
                }

                entry.References++;
            }

            try
            {
                await entry.Semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                Drop(key, entry);
                throw;
            }

            return new Releaser(this, key, entry);
        }
    }

    private void Drop(TKey key, Entry entry)
    {
        lock (entry)
        {
            if (--entry.References == 0)
            {
                entry.Dead = true;
                _entries.TryRemove(new KeyValuePair<TKey, Entry>(key, entry));
            }
        }
    }

    internal readonly struct Releaser : IDisposable
    {
        private readonly KeyedLock<TKey> _owner;
        private readonly TKey _key;
        private readonly Entry _entry;

        public Releaser(KeyedLock<TKey> owner, TKey key, Entry entry)
        {
            _owner = owner;
            _key = key;
            _entry = entry;
        }

        public void Dispose()
        {
            _entry.Semaphore.Release();
            _owner.Drop(_key, _entry);
        }
    }

    internal sealed class Entry
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int References { get; set; }

        public bool Dead { get; set; }
    }
}
