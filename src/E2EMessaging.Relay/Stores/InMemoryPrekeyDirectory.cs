using System.Collections.Concurrent;
using E2EMessaging.Protocol;
using E2EMessaging.Wire;

namespace E2EMessaging.Relay.Stores;

/// <summary>The prekey directory in process memory: one lock per device, so a take is atomic and devices run in parallel.</summary>
public sealed class InMemoryPrekeyDirectory : IPrekeyDirectory
{
    private readonly ConcurrentDictionary<ProtocolAddress, Entry> _devices = new();

    /// <inheritdoc />
    public ValueTask StoreAsync(ProtocolAddress device, PreKeyUpload upload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(upload);
        Entry entry = _devices.GetOrAdd(device, static _ => new Entry());
        lock (entry)
        {
            entry.SignedPreKey = upload.SignedPreKey ?? entry.SignedPreKey;
            entry.LastResortKyber = upload.LastResortKyberPreKey ?? entry.LastResortKyber;
            foreach (PublishedPreKey key in upload.OneTimePreKeys)
            {
                entry.OneTime[key.Id] = key;
            }

            foreach (PublishedKyberPreKey key in upload.OneTimeKyberPreKeys)
            {
                entry.OneTimeKyber[key.Id] = key;
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<PreKeyTake?> TakeAsync(ProtocolAddress device, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (!_devices.TryGetValue(device, out Entry? entry))
        {
            return ValueTask.FromResult<PreKeyTake?>(null);
        }

        lock (entry)
        {
            if (entry.SignedPreKey is null || (entry.LastResortKyber is null && entry.OneTimeKyber.Count == 0))
            {
                return ValueTask.FromResult<PreKeyTake?>(null);
            }

            PublishedPreKey? oneTime = null;
            if (entry.OneTime.Count > 0)
            {
                oneTime = entry.OneTime.Values[0];
                entry.OneTime.RemoveAt(0);
            }

            PublishedKyberPreKey kyber;
            bool lastResort = entry.OneTimeKyber.Count == 0;
            if (lastResort)
            {
                kyber = entry.LastResortKyber!;
            }
            else
            {
                kyber = entry.OneTimeKyber.Values[0];
                entry.OneTimeKyber.RemoveAt(0);
            }

            return ValueTask.FromResult<PreKeyTake?>(new PreKeyTake(entry.SignedPreKey, oneTime, kyber, lastResort));
        }
    }

    /// <inheritdoc />
    public ValueTask<PreKeyCounts> GetCountsAsync(ProtocolAddress device, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (!_devices.TryGetValue(device, out Entry? entry))
        {
            return ValueTask.FromResult(new PreKeyCounts(0, 0));
        }

        lock (entry)
        {
            return ValueTask.FromResult(new PreKeyCounts(entry.OneTime.Count, entry.OneTimeKyber.Count));
        }
    }

    /// <inheritdoc />
    public ValueTask DeleteAsync(ProtocolAddress device, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        _devices.TryRemove(device, out _);
        return ValueTask.CompletedTask;
    }

    /// <summary>Every byte the directory holds (public keys and signatures), for the tests that prove it holds no plaintext.</summary>
    internal IEnumerable<byte[]> DumpStoredBytes()
    {
        foreach (Entry entry in _devices.Values)
        {
            var blobs = new List<byte[]>();
            lock (entry)
            {
                if (entry.SignedPreKey is { } signed)
                {
                    blobs.Add(signed.PublicKey.Serialize());
                    blobs.Add(signed.Signature.ToArray());
                }

                if (entry.LastResortKyber is { } lastResort)
                {
                    blobs.Add(lastResort.PublicKey.Serialize());
                    blobs.Add(lastResort.Signature.ToArray());
                }

                blobs.AddRange(entry.OneTime.Values.Select(k => k.PublicKey.Serialize()));
                blobs.AddRange(entry.OneTimeKyber.Values.SelectMany(k => new[] { k.PublicKey.Serialize(), k.Signature.ToArray() }));
            }

            foreach (byte[] blob in blobs)
            {
                yield return blob;
            }
        }
    }

    private sealed class Entry
    {
        public PublishedSignedPreKey? SignedPreKey { get; set; }

        public PublishedKyberPreKey? LastResortKyber { get; set; }

        public SortedList<uint, PublishedPreKey> OneTime { get; } = [];

        public SortedList<uint, PublishedKyberPreKey> OneTimeKyber { get; } = [];
    }
}
