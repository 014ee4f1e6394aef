using System.Security.Cryptography;

namespace E2EMessaging.Protocol.Crypto;

/// <summary>AES-256 in CBC mode with PKCS#7 padding, from the BCL (hardware AES where the CPU has it).</summary>
internal static class Aes256Cbc
{
    public const int KeyLength = 32;
    public const int IvLength = 16;

    public static byte[] Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> plaintext)
    {
        using Aes aes = Create(key, iv);
        return aes.EncryptCbc(plaintext, iv, PaddingMode.PKCS7);
    }

    /// <summary>Decrypts; false when the padding is wrong (callers check a MAC first, so this is not an oracle).</summary>
    public static bool TryDecrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext, out byte[] plaintext)
    {
        plaintext = [];
        if (ciphertext.Length == 0 || ciphertext.Length % 16 != 0)
        {
            return false;
        }

        using Aes aes = Create(key, iv);
        try
        {
            plaintext = aes.DecryptCbc(ciphertext, iv, PaddingMode.PKCS7);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static Aes Create(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv)
    {
        if (key.Length != KeyLength || iv.Length != IvLength)
        {
            ThrowHelper.Argument(nameof(key), "AES-256-CBC takes a 32-byte key and a 16-byte IV.");
        }

        Aes aes = Aes.Create();
        aes.SetKey(key);
        return aes;
    }
}
