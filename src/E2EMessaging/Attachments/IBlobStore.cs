using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace E2EMessaging.Attachments;

/// <summary>
/// Where the host keeps encrypted attachment blobs (a CDN, object storage, a file share). It only ever sees
/// ciphertext: the key travels inside end-to-end encrypted content, never to the store.
/// </summary>
/// <remarks>
/// Rules: <see cref="UploadAsync"/> returns an id under which <see cref="DownloadAsync"/> later returns exactly the
/// uploaded bytes; ids are opaque text of at most 256 characters; an unknown id downloads as null. Implementations
/// must be safe to call from several threads at once.
/// </remarks>
public interface IBlobStore
{
    /// <summary>Stores an encrypted blob and returns its id.</summary>
    ValueTask<string> UploadAsync(ReadOnlyMemory<byte> encryptedBlob, CancellationToken cancellationToken = default);

    /// <summary>The blob stored under <paramref name="blobId"/>, or null when there is none.</summary>
    ValueTask<ReadOnlyMemory<byte>?> DownloadAsync(string blobId, CancellationToken cancellationToken = default);
}

/// <summary>An <see cref="IBlobStore"/> in memory, for tests, samples and single-process hosts.</summary>
public sealed class InMemoryBlobStore : IBlobStore
{
    private readonly ConcurrentDictionary<string, byte[]> _blobs = new(StringComparer.Ordinal);

    /// <summary>How many blobs are stored.</summary>
    public int Count => _blobs.Count;

    /// <inheritdoc />
    public ValueTask<string> UploadAsync(ReadOnlyMemory<byte> encryptedBlob, CancellationToken cancellationToken = default)
    {
        string id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _blobs[id] = encryptedBlob.ToArray();
        return ValueTask.FromResult(id);
    }

    /// <inheritdoc />
    public ValueTask<ReadOnlyMemory<byte>?> DownloadAsync(string blobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blobId);
        if (!_blobs.TryGetValue(blobId, out byte[]? blob))
        {
            // Not a conditional expression: C# would turn its null into an empty ReadOnlyMemory through byte[].
            return ValueTask.FromResult<ReadOnlyMemory<byte>?>(null);
        }

        return ValueTask.FromResult<ReadOnlyMemory<byte>?>(blob.ToArray());
    }

    /// <summary>Replaces a stored blob's bytes (tests use it to tamper with a blob).</summary>
    internal void Replace(string blobId, byte[] blob) => _blobs[blobId] = blob;

    /// <summary>The stored bytes, for tests that check the store never holds plaintext.</summary>
    internal IEnumerable<byte[]> Blobs => _blobs.Values;
}
