using System.Collections.Concurrent;
using System.Security.Cryptography;
using E2EMessaging.Protocol.Keys;

namespace E2EMessaging.Protocol.Storage;

/// <summary>
/// An <see cref="IIdentityKeyStore"/> in memory, for tests, samples and short-lived clients: trust on first use,
/// and a changed key for a known address is refused in both directions until <see cref="SaveIdentityAsync"/>
/// accepts it. Thread-safe and lock-free. Disposing it wipes its copy of the identity private key.
/// </summary>
public sealed class InMemoryIdentityKeyStore : IIdentityKeyStore, IDisposable
{
    private readonly IdentityKeyPair _identityKeyPair;
    private readonly uint _localRegistrationId;
    private readonly ConcurrentDictionary<ProtocolAddress, PublicKey> _identities = new();

    /// <summary>
    /// Creates a store for this device's identity. The store keeps its own copy of <paramref name="identityKeyPair"/>;
    /// the caller still owns (and may dispose) the one it passed.
    /// </summary>
    public InMemoryIdentityKeyStore(IdentityKeyPair identityKeyPair, uint localRegistrationId)
    {
        ArgumentNullException.ThrowIfNull(identityKeyPair);
        _identityKeyPair = Copy(identityKeyPair);
        _localRegistrationId = localRegistrationId;
    }

    /// <inheritdoc />
    /// <remarks>Each call returns a fresh copy, the caller's to dispose, as a store that reads a database would.</remarks>
    public ValueTask<IdentityKeyPair> GetIdentityKeyPairAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Copy(_identityKeyPair));
    }

    /// <inheritdoc />
    public ValueTask<uint> GetLocalRegistrationIdAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_localRegistrationId);
    }

    /// <inheritdoc />
    public ValueTask<IdentityChange> SaveIdentityAsync(ProtocolAddress address, PublicKey identityKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(identityKey);
        cancellationToken.ThrowIfCancellationRequested();
        while (true)
        {
            if (!_identities.TryGetValue(address, out PublicKey? stored))
            {
                if (_identities.TryAdd(address, identityKey))
                {
                    return ValueTask.FromResult(IdentityChange.NewOrUnchanged);
                }
            }
            else if (stored.Equals(identityKey))
            {
                return ValueTask.FromResult(IdentityChange.NewOrUnchanged);
            }
            else if (_identities.TryUpdate(address, identityKey, stored))
            {
                return ValueTask.FromResult(IdentityChange.ReplacedExisting);
            }

            // Another caller changed the entry between the read and the write: decide again against what is there now.
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> IsTrustedIdentityAsync(ProtocolAddress address, PublicKey identityKey, Direction direction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(identityKey);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(!_identities.TryGetValue(address, out PublicKey? stored) || stored.Equals(identityKey));
    }

    /// <inheritdoc />
    public ValueTask<PublicKey?> GetIdentityAsync(ProtocolAddress address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_identities.TryGetValue(address, out PublicKey? stored) ? stored : null);
    }

    /// <summary>Wipes the store's copy of the identity private key.</summary>
    public void Dispose() => _identityKeyPair.Dispose();

    /// <summary>The type name only: the store holds a private key.</summary>
    public override string ToString() => nameof(InMemoryIdentityKeyStore);

    private static IdentityKeyPair Copy(IdentityKeyPair identityKeyPair)
    {
        byte[] privateKey = identityKeyPair.PrivateKey.Serialize();
        try
        {
            return new IdentityKeyPair(PrivateKey.Deserialize(privateKey), identityKeyPair.PublicKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
        }
    }
}
