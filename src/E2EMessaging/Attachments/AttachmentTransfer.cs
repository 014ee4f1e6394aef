using System.Security.Cryptography;
using E2EMessaging.Protocol;

namespace E2EMessaging.Attachments;

/// <summary>
/// Encrypts media on this device and puts the ciphertext in the host's <see cref="IBlobStore"/>; fetches, verifies
/// and decrypts it on the recipient's. The returned <see cref="AttachmentPointer"/> (blob id, key, digest) goes into
/// a <see cref="Content.DataMessage"/>, i.e. inside the end-to-end encryption; the blob store only ever sees
/// ciphertext. Media is handed out only after its digest and MAC verified.
/// </summary>
public sealed class AttachmentTransfer
{
    private readonly IBlobStore _store;
    private readonly IRandomSource _random;

    /// <summary>Creates a transfer over <paramref name="store"/>, with the system's randomness when <paramref name="random"/> is null.</summary>
    public AttachmentTransfer(IBlobStore store, IRandomSource? random = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _random = random ?? SystemRandomSource.Instance;
    }

    /// <summary>Encrypts <paramref name="plaintext"/> under a fresh random key, uploads the blob and returns its pointer.</summary>
    /// <exception cref="MessagingException">The media is larger than 100 MiB (<see cref="MessagingErrorKind.TooLarge"/>).</exception>
    public async ValueTask<AttachmentPointer> UploadAsync(ReadOnlyMemory<byte> plaintext, string contentType, string? fileName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contentType);
        if (plaintext.Length > Limits.MaxAttachmentLength)
        {
            ThrowHelper.Messaging(MessagingErrorKind.TooLarge, "The attachment is larger than the limit.");
        }

        byte[] key = new byte[Limits.AttachmentKeyLength];
        try
        {
            _random.Fill(key);
            (byte[] blob, byte[] digest) = AttachmentCipher.Encrypt(key, plaintext.Span, _random);
            string blobId = await _store.UploadAsync(blob, cancellationToken).ConfigureAwait(false);
            return new AttachmentPointer(blobId, key, digest, plaintext.Length, contentType, fileName);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Downloads the blob, verifies its digest and MAC, decrypts it and checks its size.</summary>
    /// <exception cref="MessagingException">
    /// No such blob (<see cref="MessagingErrorKind.NotFound"/>), a blob that is not the one the pointer
    /// names (<see cref="MessagingErrorKind.AttachmentDigestMismatch"/>) or one that was altered
    /// (<see cref="MessagingErrorKind.AttachmentTampered"/>).
    /// </exception>
    public async ValueTask<byte[]> DownloadAsync(AttachmentPointer pointer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pointer);
        ReadOnlyMemory<byte>? blob = await _store.DownloadAsync(pointer.BlobId, cancellationToken).ConfigureAwait(false);
        if (blob is null)
        {
            ThrowHelper.Messaging(MessagingErrorKind.NotFound, "The blob store has no blob under the pointer's id.");
        }

        if (blob.Value.Length > Limits.MaxAttachmentLength + AttachmentCipher.IvLength + AttachmentCipher.MacLength + 16)
        {
            ThrowHelper.Messaging(MessagingErrorKind.TooLarge, "The attachment blob is larger than the limit.");
        }

        byte[] plaintext = AttachmentCipher.Decrypt(pointer.Key, pointer.Digest, blob.Value.Span);
        if (plaintext.Length != pointer.Size)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            ThrowHelper.Messaging(MessagingErrorKind.AttachmentTampered, "The attachment's size differs from its pointer's.");
        }

        return plaintext;
    }
}
