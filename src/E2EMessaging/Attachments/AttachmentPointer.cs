namespace E2EMessaging.Attachments;

/// <summary>
/// Where an encrypted attachment is and how to open it: the blob id in the host's <see cref="IBlobStore"/>, the
/// 64-byte key (AES-256 || HMAC-SHA256), the SHA-256 digest of the encrypted blob, and the plaintext's size and
/// type. It travels only inside end-to-end encrypted content. The key is secret: <see cref="ToString"/> prints
/// the blob id only.
/// </summary>
public sealed class AttachmentPointer
{
    private readonly byte[] _key;
    private readonly byte[] _digest;

    /// <summary>Creates a pointer (the key and digest are copied).</summary>
    /// <exception cref="ArgumentException">The key is not 64 bytes or the digest not 32.</exception>
    public AttachmentPointer(string blobId, ReadOnlySpan<byte> key, ReadOnlySpan<byte> digest, long size, string contentType, string? fileName = null)
    {
        ArgumentNullException.ThrowIfNull(blobId);
        ArgumentNullException.ThrowIfNull(contentType);
        if (key.Length != Limits.AttachmentKeyLength)
        {
            ThrowHelper.Argument(nameof(key), "An attachment key is 64 bytes.");
        }

        if (digest.Length != Limits.DigestLength)
        {
            ThrowHelper.Argument(nameof(digest), "An attachment digest is 32 bytes.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(size);
        BlobId = blobId;
        _key = key.ToArray();
        _digest = digest.ToArray();
        Size = size;
        ContentType = contentType;
        FileName = fileName;
    }

    /// <summary>The encrypted blob's id in the host's blob store.</summary>
    public string BlobId { get; }

    /// <summary>The 64-byte key. Secret: persist it only where the message itself is kept.</summary>
    public ReadOnlySpan<byte> Key => _key;

    /// <summary>SHA-256 of the encrypted blob.</summary>
    public ReadOnlySpan<byte> Digest => _digest;

    /// <summary>Plaintext size in bytes.</summary>
    public long Size { get; }

    /// <summary>MIME type, e.g. <c>image/jpeg</c>.</summary>
    public string ContentType { get; }

    /// <summary>Original file name, or null.</summary>
    public string? FileName { get; }

    /// <summary>The type name and blob id; never the key.</summary>
    public override string ToString() => $"{nameof(AttachmentPointer)}({BlobId})";
}
