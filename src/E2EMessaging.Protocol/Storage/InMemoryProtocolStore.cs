using E2EMessaging.Protocol.Groups;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.PreKeys;
using E2EMessaging.Protocol.Sessions;

namespace E2EMessaging.Protocol.Storage;

/// <summary>
/// All six stores in memory behind one object, for tests, samples and short-lived clients: each call goes to
/// <see cref="IdentityStore"/>, <see cref="SessionStore"/>, <see cref="PreKeyStore"/>, <see cref="SignedPreKeyStore"/>,
/// <see cref="KyberPreKeyStore"/> or <see cref="SenderKeyStore"/>. Thread-safe; nothing is persisted. Disposing it wipes the identity private key.
/// </summary>
public sealed class InMemoryProtocolStore : IIdentityKeyStore, ISessionStore, IPreKeyStore, ISignedPreKeyStore, IKyberPreKeyStore, ISenderKeyStore, IDisposable
{
    /// <summary>Creates empty stores for this device's identity (the identity store keeps its own copy of the key pair).</summary>
    public InMemoryProtocolStore(IdentityKeyPair identityKeyPair, uint localRegistrationId)
    {
        IdentityStore = new InMemoryIdentityKeyStore(identityKeyPair, localRegistrationId);
    }

    /// <summary>This device's identity and the identities seen for other addresses.</summary>
    public InMemoryIdentityKeyStore IdentityStore { get; }

    /// <summary>The session records.</summary>
    public InMemorySessionStore SessionStore { get; } = new();

    /// <summary>The one-time prekeys.</summary>
    public InMemoryPreKeyStore PreKeyStore { get; } = new();

    /// <summary>The signed prekeys.</summary>
    public InMemorySignedPreKeyStore SignedPreKeyStore { get; } = new();

    /// <summary>The Kyber prekeys.</summary>
    public InMemoryKyberPreKeyStore KyberPreKeyStore { get; } = new();

    /// <summary>The sender keys (groups).</summary>
    public InMemorySenderKeyStore SenderKeyStore { get; } = new();

    /// <inheritdoc />
    public ValueTask<SenderKeyRecord?> LoadSenderKeyAsync(ProtocolAddress sender, Guid distributionId, CancellationToken cancellationToken = default)
        => SenderKeyStore.LoadSenderKeyAsync(sender, distributionId, cancellationToken);

    /// <inheritdoc />
    public ValueTask StoreSenderKeyAsync(ProtocolAddress sender, Guid distributionId, SenderKeyRecord record, CancellationToken cancellationToken = default)
        => SenderKeyStore.StoreSenderKeyAsync(sender, distributionId, record, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IdentityKeyPair> GetIdentityKeyPairAsync(CancellationToken cancellationToken = default)
        => IdentityStore.GetIdentityKeyPairAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask<uint> GetLocalRegistrationIdAsync(CancellationToken cancellationToken = default)
        => IdentityStore.GetLocalRegistrationIdAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask<IdentityChange> SaveIdentityAsync(ProtocolAddress address, PublicKey identityKey, CancellationToken cancellationToken = default)
        => IdentityStore.SaveIdentityAsync(address, identityKey, cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> IsTrustedIdentityAsync(ProtocolAddress address, PublicKey identityKey, Direction direction, CancellationToken cancellationToken = default)
        => IdentityStore.IsTrustedIdentityAsync(address, identityKey, direction, cancellationToken);

    /// <inheritdoc />
    public ValueTask<PublicKey?> GetIdentityAsync(ProtocolAddress address, CancellationToken cancellationToken = default)
        => IdentityStore.GetIdentityAsync(address, cancellationToken);

    /// <inheritdoc />
    public ValueTask<SessionRecord?> LoadSessionAsync(ProtocolAddress address, CancellationToken cancellationToken = default)
        => SessionStore.LoadSessionAsync(address, cancellationToken);

    /// <inheritdoc />
    public ValueTask StoreSessionAsync(ProtocolAddress address, SessionRecord record, CancellationToken cancellationToken = default)
        => SessionStore.StoreSessionAsync(address, record, cancellationToken);

    /// <inheritdoc />
    public ValueTask<PreKeyRecord> GetPreKeyAsync(uint preKeyId, CancellationToken cancellationToken = default)
        => PreKeyStore.GetPreKeyAsync(preKeyId, cancellationToken);

    /// <inheritdoc />
    public ValueTask SavePreKeyAsync(uint preKeyId, PreKeyRecord record, CancellationToken cancellationToken = default)
        => PreKeyStore.SavePreKeyAsync(preKeyId, record, cancellationToken);

    /// <inheritdoc />
    public ValueTask RemovePreKeyAsync(uint preKeyId, CancellationToken cancellationToken = default)
        => PreKeyStore.RemovePreKeyAsync(preKeyId, cancellationToken);

    /// <inheritdoc />
    public ValueTask<SignedPreKeyRecord> GetSignedPreKeyAsync(uint signedPreKeyId, CancellationToken cancellationToken = default)
        => SignedPreKeyStore.GetSignedPreKeyAsync(signedPreKeyId, cancellationToken);

    /// <inheritdoc />
    public ValueTask SaveSignedPreKeyAsync(uint signedPreKeyId, SignedPreKeyRecord record, CancellationToken cancellationToken = default)
        => SignedPreKeyStore.SaveSignedPreKeyAsync(signedPreKeyId, record, cancellationToken);

    /// <inheritdoc />
    public ValueTask<KyberPreKeyRecord> GetKyberPreKeyAsync(uint kyberPreKeyId, CancellationToken cancellationToken = default)
        => KyberPreKeyStore.GetKyberPreKeyAsync(kyberPreKeyId, cancellationToken);

    /// <inheritdoc />
    public ValueTask SaveKyberPreKeyAsync(uint kyberPreKeyId, KyberPreKeyRecord record, bool isLastResort = false, CancellationToken cancellationToken = default)
        => KyberPreKeyStore.SaveKyberPreKeyAsync(kyberPreKeyId, record, isLastResort, cancellationToken);

    /// <inheritdoc />
    public ValueTask MarkKyberPreKeyUsedAsync(uint kyberPreKeyId, uint signedPreKeyId, PublicKey baseKey, CancellationToken cancellationToken = default)
        => KyberPreKeyStore.MarkKyberPreKeyUsedAsync(kyberPreKeyId, signedPreKeyId, baseKey, cancellationToken);

    /// <summary>Wipes the identity store's copy of the identity private key.</summary>
    public void Dispose() => IdentityStore.Dispose();

    /// <summary>The type name only: the store holds private keys.</summary>
    public override string ToString() => nameof(InMemoryProtocolStore);
}
