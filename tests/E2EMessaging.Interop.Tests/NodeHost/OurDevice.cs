using E2EMessaging.Protocol;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.Messages;
using E2EMessaging.Protocol.PreKeys;
using E2EMessaging.Protocol.Sessions;
using E2EMessaging.Protocol.Storage;

namespace E2EMessaging.Interop.Tests.NodeHost;

/// <summary>
/// One device on our side of a live conversation: identity, in-memory stores (which keep records serialized) and
/// a session cipher. <see cref="Reload"/> starts a new process state from what the stores persisted.
/// </summary>
internal sealed class OurDevice : IDisposable
{
    private uint _nextPreKeyId = 1;

    public OurDevice(string name, uint deviceId, uint registrationId)
    {
        Address = new ProtocolAddress(name, deviceId);
        Identity = IdentityKeyPair.Generate();
        RegistrationId = registrationId;
        Store = new InMemoryProtocolStore(Identity, registrationId);
        Cipher = NewCipher();
    }

    public ProtocolAddress Address { get; }

    public IdentityKeyPair Identity { get; }

    public uint RegistrationId { get; }

    public InMemoryProtocolStore Store { get; private set; }

    public SessionCipher Cipher { get; private set; }

    /// <summary>A bundle whose prekeys are saved here, as the peer's `partyProcessBundle` arguments for <paramref name="peerName"/>.</summary>
    public async Task<Dictionary<string, object?>> BundleArgsAsync(string peerName, bool withOneTimePreKey)
    {
        uint id = _nextPreKeyId++;
        using PreKeyRecord oneTime = PreKeyRecord.Generate(id);
        using SignedPreKeyRecord signed = SignedPreKeyRecord.Generate(id, 1_700_000_000_000, Identity);
        using KyberPreKeyRecord kyber = KyberPreKeyRecord.Generate(id, 1_700_000_000_000, Identity);
        await Store.SavePreKeyAsync(id, oneTime);
        await Store.SaveSignedPreKeyAsync(id, signed);
        await Store.SaveKyberPreKeyAsync(id, kyber, isLastResort: false);
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["name"] = peerName,
            ["remoteName"] = Address.Name,
            ["remoteDeviceId"] = Address.DeviceId,
            ["registrationId"] = RegistrationId,
            ["deviceId"] = Address.DeviceId,
            ["preKeyId"] = withOneTimePreKey ? id : null,
            ["preKeyPublic"] = withOneTimePreKey ? oneTime.PublicKey.Serialize() : null,
            ["signedPreKeyId"] = signed.Id,
            ["signedPreKeyPublic"] = signed.PublicKey.Serialize(),
            ["signedPreKeySignature"] = signed.Signature.ToArray(),
            ["identityKey"] = Identity.PublicKey.Serialize(),
            ["kyberPreKeyId"] = kyber.Id,
            ["kyberPreKeyPublic"] = kyber.PublicKey.Serialize(),
            ["kyberPreKeySignature"] = kyber.Signature.ToArray(),
        };
    }

    /// <summary>
    /// A new process state: new stores filled only from what the old ones persisted (serialized session records,
    /// trusted identities, prekeys), and a new cipher. Nothing in memory survives.
    /// </summary>
    public async Task ReloadAsync(params ProtocolAddress[] remotes)
    {
        var store = new InMemoryProtocolStore(Identity, RegistrationId);
        foreach (ProtocolAddress remote in remotes)
        {
            if (await Store.LoadSessionAsync(remote) is SessionRecord record)
            {
                await store.StoreSessionAsync(remote, SessionRecord.Deserialize(record.Serialize()));
            }

            if (await Store.GetIdentityAsync(remote) is PublicKey identity)
            {
                await store.SaveIdentityAsync(remote, identity);
            }
        }

        for (uint id = 1; id < _nextPreKeyId; id++)
        {
            // Signed and Kyber prekeys stay; a one-time prekey is gone once a session used it.
            using SignedPreKeyRecord signed = await Store.GetSignedPreKeyAsync(id);
            await store.SaveSignedPreKeyAsync(id, signed);
            using KyberPreKeyRecord kyber = await Store.GetKyberPreKeyAsync(id);
            await store.SaveKyberPreKeyAsync(id, kyber, isLastResort: false);
            if (await TryGetPreKeyAsync(id) is PreKeyRecord preKey)
            {
                using (preKey)
                {
                    await store.SavePreKeyAsync(id, preKey);
                }
            }
        }

        Store = store;
        Cipher = NewCipher();
    }

    public ValueTask<CiphertextMessage> EncryptAsync(ProtocolAddress to, string text) =>
        Cipher.EncryptAsync(to, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Decrypts what arrived on the wire as (type, bytes).</summary>
    public async Task<string> DecryptAsync(ProtocolAddress from, int type, byte[] serialized)
    {
        CiphertextMessage message = type switch
        {
            3 => PreKeySignalMessage.Deserialize(serialized),
            2 => SignalMessage.Deserialize(serialized),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Expected 2 (Whisper) or 3 (PreKey)."),
        };
        return System.Text.Encoding.UTF8.GetString(await Cipher.DecryptAsync(from, message));
    }

    public void Dispose() => Identity.Dispose();

    private async Task<PreKeyRecord?> TryGetPreKeyAsync(uint id)
    {
        try
        {
            return await Store.GetPreKeyAsync(id);
        }
        catch (ProtocolException e) when (e.Kind == ProtocolErrorKind.InvalidPreKeyId)
        {
            return null;
        }
    }

    private SessionCipher NewCipher() => new(Address, Store, Store, Store, Store, Store);
}
