using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.Storage;
using E2EMessaging.Storage;

namespace E2EMessaging.Client;

/// <summary>
/// The Signal protocol stores of one device: its identity and trusted identities, sessions, prekeys and sender keys.
/// </summary>
public sealed class ProtocolStores
{
    /// <summary>Bundles the protocol stores.</summary>
    public ProtocolStores(IIdentityKeyStore identity, ISessionStore sessions, IPreKeyStore preKeys, ISignedPreKeyStore signedPreKeys, IKyberPreKeyStore kyberPreKeys, ISenderKeyStore senderKeys)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(preKeys);
        ArgumentNullException.ThrowIfNull(signedPreKeys);
        ArgumentNullException.ThrowIfNull(kyberPreKeys);
        ArgumentNullException.ThrowIfNull(senderKeys);
        Identity = identity;
        Sessions = sessions;
        PreKeys = preKeys;
        SignedPreKeys = signedPreKeys;
        KyberPreKeys = kyberPreKeys;
        SenderKeys = senderKeys;
    }

    /// <summary>In-memory stores around <paramref name="identity"/> (which the stores then own).</summary>
    public static ProtocolStores InMemory(IdentityKeyPair identity, uint registrationId)
    {
        var store = new InMemoryProtocolStore(identity, registrationId);
        return new ProtocolStores(store, store, store, store, store, store);
    }

    /// <summary>Identity keys.</summary>
    public IIdentityKeyStore Identity { get; }

    /// <summary>Sessions.</summary>
    public ISessionStore Sessions { get; }

    /// <summary>One-time Curve25519 prekeys.</summary>
    public IPreKeyStore PreKeys { get; }

    /// <summary>Signed prekeys.</summary>
    public ISignedPreKeyStore SignedPreKeys { get; }

    /// <summary>Kyber prekeys.</summary>
    public IKyberPreKeyStore KyberPreKeys { get; }

    /// <summary>Sender keys.</summary>
    public ISenderKeyStore SenderKeys { get; }

    /// <summary>The type name.</summary>
    public override string ToString() => nameof(ProtocolStores);
}

/// <summary>The messaging stores of one device; in-memory ones where none is given.</summary>
public sealed class MessagingStores
{
    /// <summary>Bundles the stores; each null one becomes its in-memory implementation.</summary>
    public MessagingStores(IMessageStore? messages = null, IOutbox? outbox = null, IDedupeWindow? dedupe = null, IGroupStore? groups = null, IDeviceListStore? devices = null)
    {
        Messages = messages ?? new InMemoryMessageStore();
        Outbox = outbox ?? new InMemoryOutbox();
        Dedupe = dedupe ?? new InMemoryDedupeWindow();
        Groups = groups ?? new InMemoryGroupStore();
        Devices = devices ?? new InMemoryDeviceListStore();
    }

    /// <summary>Messages and their statuses.</summary>
    public IMessageStore Messages { get; }

    /// <summary>The outbox.</summary>
    public IOutbox Outbox { get; }

    /// <summary>The dedupe window.</summary>
    public IDedupeWindow Dedupe { get; }

    /// <summary>Groups and sender-key distribution state.</summary>
    public IGroupStore Groups { get; }

    /// <summary>Device lists.</summary>
    public IDeviceListStore Devices { get; }

    /// <summary>The type name.</summary>
    public override string ToString() => nameof(MessagingStores);
}
