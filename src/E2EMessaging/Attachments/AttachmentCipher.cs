using System.Security.Cryptography;
using E2EMessaging.Protocol;

namespace E2EMessaging.Attachments;

/// <summary>
/// Signal's attachment encryption: a random 64-byte key (AES-256 key || HMAC-SHA256 key), AES-256-CBC with PKCS#7
/// padding under a random IV, the blob laid out as <c>iv || ciphertext || mac</c> with the MAC over
/// <c>iv || ciphertext</c>, and a SHA-256 digest over the whole blob that travels in the pointer. Decryption checks
/// the digest and the MAC, in constant time, before it decrypts anything.
/// </summary>
internal static class AttachmentCipher
{
    public const int IvLength = 16;
    public const int MacLength = 32;
    private const int AesKeyLength = 32;

    /// <summary>Encrypts <paramref name="plaintext"/> under <paramref name="key"/> (64 bytes) and returns the blob and its digest.</summary>
    public static (byte[] Blob, byte[] Digest) Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, IRandomSource random)
    {
        if (key.Length != Limits.AttachmentKeyLength)
        {
            ThrowHelper.Argument(nameof(key), "An attachment key is 64 bytes.");
        }

        int cipherLength = ((plaintext.Length / 16) + 1) * 16;
        byte[] blob = new byte[IvLength + cipherLength + MacLength];
        Span<byte> iv = blob.AsSpan(0, IvLength);
        random.Fill(iv);
        using (Aes aes = Aes.Create())
        {
            aes.SetKey(key[..AesKeyLength]);
            int written = aes.EncryptCbc(plaintext, iv, blob.AsSpan(IvLength, cipherLength), PaddingMode.PKCS7);
            if (written != cipherLength)
            {
                ThrowHelper.InvalidOperation("AES-CBC wrote an unexpected length.");
            }
        }

        HMACSHA256.HashData(key[AesKeyLength..], blob.AsSpan(0, IvLength + cipherLength), blob.AsSpan(IvLength + cipherLength));
        byte[] digest = SHA256.HashData(blob);
        return (blob, digest);
    }

    /// <summary>Verifies the digest and MAC, then decrypts.</summary>
    /// <exception cref="MessagingException">
    /// <see cref="MessagingErrorKind.AttachmentDigestMismatch"/> or <see cref="MessagingErrorKind.AttachmentTampered"/>.
    /// </exception>
    public static byte[] Decrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> digest, ReadOnlySpan<byte> blob)
    {
        if (key.Length != Limits.AttachmentKeyLength || digest.Length != Limits.DigestLength)
        {
            ThrowHelper.Messaging(MessagingErrorKind.InvalidEncoding, "An attachment key is 64 bytes and its digest 32.");
        }

        Span<byte> actual = stackalloc byte[Limits.DigestLength];
        SHA256.HashData(blob, actual);
        if (!CryptographicOperations.FixedTimeEquals(actual, digest))
        {
            ThrowHelper.Messaging(MessagingErrorKind.AttachmentDigestMismatch, "The attachment's digest does not match its pointer.");
        }

        int cipherLength = blob.Length - IvLength - MacLength;
        if (cipherLength < 16 || cipherLength % 16 != 0)
        {
            ThrowHelper.Messaging(MessagingErrorKind.AttachmentTampered, "The attachment blob has an invalid length.");
        }

        Span<byte> mac = stackalloc byte[MacLength];
        HMACSHA256.HashData(key[AesKeyLength..], blob[..(IvLength + cipherLength)], mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, blob[(IvLength + cipherLength)..]))
        {
            ThrowHelper.Messaging(MessagingErrorKind.AttachmentTampered, "The attachment's MAC does not verify.");
        }

        using Aes aes = Aes.Create();
        aes.SetKey(key[..AesKeyLength]);
        try
        {
            return aes.DecryptCbc(blob.Slice(IvLength, cipherLength), blob[..IvLength], PaddingMode.PKCS7);
        }
        catch (CryptographicException e)
        {
            throw new MessagingException(MessagingErrorKind.AttachmentTampered, "The attachment does not decrypt.", e);
        }
    }
}
