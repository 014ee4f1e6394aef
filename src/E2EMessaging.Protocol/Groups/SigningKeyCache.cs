using System.Collections.Concurrent;
using E2EMessaging.Protocol.Keys;
using Google.Protobuf;

namespace E2EMessaging.Protocol.Groups;

/// <summary>
/// Public data about sender signing keys that is costly to recompute for every group message: the Edwards form a
/// verifier needs (kept inside cached <see cref="Keys.PublicKey"/> objects) and the Edwards public key a signer needs.
/// Records are reloaded for every message, so without this each message would redo a field inversion to verify and
/// a base-point multiplication to sign. Holds no secrets; bounded (cleared when full).
/// </summary>
internal sealed class SigningKeyCache
{
    /// <summary>Enough for every sender of thousands of active groups; beyond it the cache starts over.</summary>
    private const int Capacity = 4096;

    private readonly ConcurrentDictionary<ByteString, PublicKey> _verifying = new();
    private readonly ConcurrentDictionary<ByteString, byte[]> _signing = new();

    /// <summary>The signing public key, reusing the object (and its Edwards form) when it was seen before.</summary>
    /// <exception cref="ProtocolException">The bytes are not a valid public key.</exception>
    public PublicKey PublicKey(ByteString serialized)
    {
        if (_verifying.TryGetValue(serialized, out PublicKey? key))
        {
            return key;
        }

        key = Keys.PublicKey.Deserialize(serialized.Span);
        Bound(_verifying);
        _verifying[serialized] = key;
        return key;
    }

    /// <summary>Hands <paramref name="signingKey"/> the Edwards public key computed for it before, or remembers the one it computes now.</summary>
    public void AdoptEdwardsPublicKey(ByteString publicKey, PrivateKey signingKey)
    {
        if (_signing.TryGetValue(publicKey, out byte[]? edwards))
        {
            signingKey.AdoptEdwardsPublicKey(edwards);
            return;
        }

        Bound(_signing);
        _signing[publicKey] = signingKey.EdwardsPublicKey;
    }

    private static void Bound<T>(ConcurrentDictionary<ByteString, T> cache)
    {
        if (cache.Count >= Capacity)
        {
            cache.Clear();
        }
    }
}
