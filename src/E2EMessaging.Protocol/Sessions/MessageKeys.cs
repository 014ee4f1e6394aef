using System.Security.Cryptography;
using E2EMessaging.Protocol.Crypto;

namespace E2EMessaging.Protocol.Sessions;

/// <summary>
/// The keys for one message: AES-256 key, HMAC key and IV, from HKDF(salt = SPQR key or none, ikm = seed,
/// "WhisperMessageKeys"). Lives on the stack and is wiped by <see cref="Dispose"/>.
/// </summary>
internal ref struct MessageKeys
{
    public const int SeedLength = 32;
    private const int Length = 80;

    private static ReadOnlySpan<byte> Info => "WhisperMessageKeys"u8;

    private readonly Span<byte> _keys;

    /// <param name="buffer">80 bytes of caller-provided (stack) memory that will hold the keys.</param>
    /// <param name="seed">The chain's message key seed.</param>
    /// <param name="pqKey">The SPQR message key, or empty when the session has none (then the salt is absent).</param>
    public MessageKeys(Span<byte> buffer, ReadOnlySpan<byte> seed, ReadOnlySpan<byte> pqKey)
    {
        _keys = buffer[..Length];
        Kdf.Hkdf(seed, pqKey, Info, _keys);
    }

    /// <summary>Keys already derived (old records stored skipped keys this way), copied into <paramref name="buffer"/>.</summary>
    public static MessageKeys FromDerived(Span<byte> buffer, ReadOnlySpan<byte> derived)
    {
        derived[..Length].CopyTo(buffer);
        return new MessageKeys(buffer);
    }

    private MessageKeys(Span<byte> buffer)
    {
        _keys = buffer[..Length];
    }

    public const int DerivedLength = Length;

    public readonly ReadOnlySpan<byte> CipherKey => _keys[..32];

    public readonly ReadOnlySpan<byte> MacKey => _keys[32..64];

    public readonly ReadOnlySpan<byte> Iv => _keys[64..80];

    public readonly void Dispose() => CryptographicOperations.ZeroMemory(_keys);
}
