using System.Security.Cryptography;

namespace E2EMessaging.Protocol.Crypto;

/// <summary>HKDF-SHA256 (RFC 5869) and HMAC-SHA256, as the protocol uses them.</summary>
internal static class Kdf
{
    /// <summary>HKDF-SHA256 extract-and-expand. An empty salt means HashLen zero bytes, as RFC 5869 says.</summary>
    public static void Hkdf(ReadOnlySpan<byte> inputKeyMaterial, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> info, Span<byte> output)
        => HKDF.DeriveKey(HashAlgorithmName.SHA256, inputKeyMaterial, output, salt, info);

    public static void HmacSha256(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> mac)
        => HMACSHA256.HashData(key, data, mac);
}
