using E2EMessaging.Protocol.Keys;

namespace E2EMessaging.Protocol.Storage;

/// <summary>Whether saving an identity replaced a different key that was stored before.</summary>
public enum IdentityChange
{
    /// <summary>The address had no identity yet, or had this same one.</summary>
    NewOrUnchanged,

    /// <summary>The address had a different identity key, which is now replaced.</summary>
    ReplacedExisting,
}

/// <summary>Which way a message goes when the store is asked whether to trust an identity.</summary>
public enum Direction
{
    /// <summary>We are about to encrypt to the identity.</summary>
    Sending,

    /// <summary>We decrypted a message from the identity.</summary>
    Receiving,
}

/// <summary>
/// This device's identity and the identities it has seen for other addresses.
/// </summary>
/// <remarks>
/// Rules every implementation keeps (the contract tests check them):
/// <list type="bullet">
/// <item><see cref="GetIdentityKeyPairAsync"/> and <see cref="GetLocalRegistrationIdAsync"/> always answer with the same values.</item>
/// <item><see cref="IsTrustedIdentityAsync"/> trusts an address it has never seen (trust on first use) and the identity it has
/// stored for the address; a different key is not trusted until the host accepts it by calling <see cref="SaveIdentityAsync"/>.</item>
/// <item><see cref="SaveIdentityAsync"/> is durable when it returns.</item>
/// <item>Calls for different addresses may run concurrently.</item>
/// </list>
/// </remarks>
public interface IIdentityKeyStore
{
    /// <summary>This device's identity key pair: a fresh object each call, which the caller disposes (wiping its copy of the private key).</summary>
    ValueTask<IdentityKeyPair> GetIdentityKeyPairAsync(CancellationToken cancellationToken = default);

    /// <summary>This device's registration id.</summary>
    ValueTask<uint> GetLocalRegistrationIdAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="identityKey"/> as the identity of <paramref name="address"/> and says whether it replaced another.</summary>
    ValueTask<IdentityChange> SaveIdentityAsync(ProtocolAddress address, PublicKey identityKey, CancellationToken cancellationToken = default);

    /// <summary>Whether to accept <paramref name="identityKey"/> for <paramref name="address"/>.</summary>
    ValueTask<bool> IsTrustedIdentityAsync(ProtocolAddress address, PublicKey identityKey, Direction direction, CancellationToken cancellationToken = default);

    /// <summary>The stored identity of <paramref name="address"/>, or null.</summary>
    ValueTask<PublicKey?> GetIdentityAsync(ProtocolAddress address, CancellationToken cancellationToken = default);
}
