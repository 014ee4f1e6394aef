using System.Security.Cryptography;
using E2EMessaging.Attachments;
using Xunit;

namespace E2EMessaging.Tests.Attachments;

public sealed class AttachmentTransferTests
{
    private readonly InMemoryBlobStore _store = new();
    private readonly AttachmentTransfer _transfer;

    public AttachmentTransferTests()
    {
        _transfer = new AttachmentTransfer(_store, new TestRandom(3));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(100_000)]
    public async Task Round_trip(int size)
    {
        byte[] media = RandomNumberGenerator.GetBytes(size);
        AttachmentPointer pointer = await _transfer.UploadAsync(media, "application/octet-stream", "f.bin");
        Assert.Equal(64, pointer.Key.Length);
        Assert.Equal(32, pointer.Digest.Length);
        Assert.Equal(size, pointer.Size);
        Assert.Equal(media, await _transfer.DownloadAsync(pointer));
    }

    [Fact]
    public async Task Blob_layout_is_iv_ciphertext_mac_and_the_digest_covers_it()
    {
        byte[] media = new byte[40];
        AttachmentPointer pointer = await _transfer.UploadAsync(media, "a/b");
        byte[] blob = _store.Blobs.Single();
        Assert.Equal(16 + 48 + 32, blob.Length); // 40 bytes pad to 48
        Assert.Equal(SHA256.HashData(blob), pointer.Digest.ToArray());
        Assert.Equal(HMACSHA256.HashData(pointer.Key[32..], blob.AsSpan(0, 64)), blob[64..]);
    }

    [Fact]
    public async Task The_store_never_holds_the_plaintext()
    {
        byte[] media = System.Text.Encoding.UTF8.GetBytes(new string('p', 1000));
        await _transfer.UploadAsync(media, "text/plain");
        byte[] blob = _store.Blobs.Single();
        Assert.Equal(-1, blob.AsSpan().IndexOf(media.AsSpan(0, 32)));
    }

    [Fact]
    public async Task A_flipped_bit_is_a_digest_mismatch()
    {
        AttachmentPointer pointer = await _transfer.UploadAsync(new byte[100], "a/b");
        byte[] blob = _store.Blobs.Single();
        blob[20] ^= 1;
        _store.Replace(pointer.BlobId, blob);
        MessagingException e = await Assert.ThrowsAsync<MessagingException>(async () => await _transfer.DownloadAsync(pointer));
        Assert.Equal(MessagingErrorKind.AttachmentDigestMismatch, e.Kind);
    }

    [Fact]
    public async Task A_blob_matching_a_forged_digest_fails_the_mac()
    {
        AttachmentPointer pointer = await _transfer.UploadAsync(new byte[100], "a/b");
        byte[] blob = _store.Blobs.Single();
        blob[20] ^= 1;
        _store.Replace(pointer.BlobId, blob);
        var forged = new AttachmentPointer(pointer.BlobId, pointer.Key, SHA256.HashData(blob), pointer.Size, pointer.ContentType);
        MessagingException e = await Assert.ThrowsAsync<MessagingException>(async () => await _transfer.DownloadAsync(forged));
        Assert.Equal(MessagingErrorKind.AttachmentTampered, e.Kind);
    }

    [Fact]
    public async Task A_truncated_blob_is_refused()
    {
        AttachmentPointer pointer = await _transfer.UploadAsync(new byte[100], "a/b");
        byte[] blob = _store.Blobs.Single()[..40];
        _store.Replace(pointer.BlobId, blob);
        var forged = new AttachmentPointer(pointer.BlobId, pointer.Key, SHA256.HashData(blob), pointer.Size, pointer.ContentType);
        MessagingException e = await Assert.ThrowsAsync<MessagingException>(async () => await _transfer.DownloadAsync(forged));
        Assert.Equal(MessagingErrorKind.AttachmentTampered, e.Kind);
    }

    [Fact]
    public async Task A_wrong_size_in_the_pointer_is_refused()
    {
        AttachmentPointer pointer = await _transfer.UploadAsync(new byte[100], "a/b");
        var lying = new AttachmentPointer(pointer.BlobId, pointer.Key, pointer.Digest, 99, pointer.ContentType);
        MessagingException e = await Assert.ThrowsAsync<MessagingException>(async () => await _transfer.DownloadAsync(lying));
        Assert.Equal(MessagingErrorKind.AttachmentTampered, e.Kind);
    }

    [Fact]
    public async Task A_missing_blob_is_not_found()
    {
        var pointer = new AttachmentPointer("nope", new byte[64], new byte[32], 1, "a/b");
        MessagingException e = await Assert.ThrowsAsync<MessagingException>(async () => await _transfer.DownloadAsync(pointer));
        Assert.Equal(MessagingErrorKind.NotFound, e.Kind);
    }
}
