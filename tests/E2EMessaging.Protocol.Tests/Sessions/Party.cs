using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.Messages;
using E2EMessaging.Protocol.PreKeys;
using E2EMessaging.Protocol.Sessions;
using E2EMessaging.Protocol.Storage;

namespace E2EMessaging.Protocol.Tests.Sessions;

/// <summary>One device for session tests: its identity, in-memory stores (which serialize every record) and cipher.</summary>
internal sealed class Party
{
    private uint _nextPreKeyId = 1;

    public Party(string name, uint deviceId = 1, TimeProvider? time = null, IRandomSource? random = null)
    {
        Address = new ProtocolAddress(name, deviceId);
        Identity = IdentityKeyPair.Generate(random);
        RegistrationId = (uint)Random.Shared.Next(1, 16380);
        Store = new InMemoryProtocolStore(Identity, RegistrationId);
        Cipher = new SessionCipher(Address, Store, Store, Store, Store, Store, time, random);
    }

    public ProtocolAddress Address { get; }

    public IdentityKeyPair Identity { get; }

    public uint RegistrationId { get; }

    public InMemoryProtocolStore Store { get; }

    public SessionCipher Cipher { get; }

    /// <summary>A fresh bundle; its prekeys are saved in this party's stores.</summary>
    public async Task<PreKeyBundle> BundleAsync(bool withOneTimePreKey = true, bool lastResortKyber = false)
    {
        uint id = _nextPreKeyId++;
        using PreKeyRecord oneTime = PreKeyRecord.Generate(id);
        using SignedPreKeyRecord signed = SignedPreKeyRecord.Generate(id, 1_700_000_000_000, Identity);
        using KyberPreKeyRecord kyber = KyberPreKeyRecord.Generate(id, 1_700_000_000_000, Identity);
        await Store.SavePreKeyAsync(id, oneTime);
        await Store.SaveSignedPreKeyAsync(id, signed);
        await Store.SaveKyberPreKeyAsync(id, kyber, lastResortKyber);
        return new PreKeyBundle(
            RegistrationId,
            Address.DeviceId,
            withOneTimePreKey ? oneTime.Id : null,
            withOneTimePreKey ? oneTime.PublicKey : null,
            signed.Id,
            signed.PublicKey,
            signed.Signature.Span,
            Identity.PublicKey,
            kyber.Id,
            kyber.PublicKey,
            kyber.Signature.Span);
    }

    public async Task<CiphertextMessage> EncryptAsync(Party to, string text) =>
        await Cipher.EncryptAsync(to.Address, System.Text.Encoding.UTF8.GetBytes(text));

    public async Task<string> DecryptAsync(Party from, CiphertextMessage message) =>
        System.Text.Encoding.UTF8.GetString(await Cipher.DecryptAsync(from.Address, message));

    /// <summary>What travels on the wire: serialize, then parse as the receiver would.</summary>
    public static CiphertextMessage OverTheWire(CiphertextMessage message) => message.Type switch
    {
        CiphertextMessageType.PreKey => PreKeySignalMessage.Deserialize(message.Serialize()),
        _ => SignalMessage.Deserialize(message.Serialize()),
    };

    public async Task<byte[]> SessionBytesAsync(Party with) => (await Store.LoadSessionAsync(with.Address))?.Serialize() ?? [];
}
