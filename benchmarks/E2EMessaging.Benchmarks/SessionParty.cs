using System.Collections.Concurrent;
using E2EMessaging.Protocol;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.Messages;
using E2EMessaging.Protocol.PreKeys;
using E2EMessaging.Protocol.Sessions;
using E2EMessaging.Protocol.Storage;

namespace E2EMessaging.Benchmarks;

/// <summary>
/// One client for the session benchmarks (<see cref="SessionBenchmarks"/> and <c>compare-libsignal</c>), built as
/// benchmarks/compare-libsignal/libsignal-bench.mjs builds its parties: device 1 unless told otherwise, an identity, a signed prekey
/// (id 1) and a last-resort Kyber-1024 prekey (id 1) made once, and a fresh one-time prekey per bundle. Every
/// store keeps serialized records (<see cref="InMemoryProtocolStore"/> for identities and prekeys,
/// <see cref="SerializingSessionStore"/> for sessions), so each encrypt and decrypt loads and stores record bytes.
/// </summary>
internal sealed class SessionParty : IDisposable
{
    private const ulong Timestamp = 1_700_000_000_000;

    private readonly byte[] _signedPreKeyPublic;
    private readonly byte[] _signedPreKeySignature;
    private readonly byte[] _kyberPreKeyPublic;
    private readonly byte[] _kyberPreKeySignature;
    private uint _nextPreKeyId = 1;

    private SessionParty(string name, uint deviceId, uint registrationId, IdentityKeyPair identity, SignedPreKeyRecord signed, KyberPreKeyRecord kyber)
    {
        Address = new ProtocolAddress(name, deviceId);
        RegistrationId = registrationId;
        Identity = identity;
        Store = new InMemoryProtocolStore(identity, registrationId);
        Cipher = new SessionCipher(Address, Store, Sessions, Store, Store, Store);
        _signedPreKeyPublic = signed.PublicKey.Serialize();
        _signedPreKeySignature = signed.Signature.ToArray();
        _kyberPreKeyPublic = kyber.PublicKey.Serialize();
        _kyberPreKeySignature = kyber.Signature.ToArray();
    }

    public ProtocolAddress Address { get; }

    public uint RegistrationId { get; }

    public IdentityKeyPair Identity { get; }

    public InMemoryProtocolStore Store { get; }

    public SerializingSessionStore Sessions { get; } = new();

    public SessionCipher Cipher { get; }

    public static async Task<SessionParty> CreateAsync(string name, uint registrationId, uint deviceId = 1)
    {
        IdentityKeyPair identity = IdentityKeyPair.Generate();
        using SignedPreKeyRecord signed = SignedPreKeyRecord.Generate(1, Timestamp, identity);
        using KyberPreKeyRecord kyber = KyberPreKeyRecord.Generate(1, Timestamp, identity);
        var party = new SessionParty(name, deviceId, registrationId, identity, signed, kyber);
        await party.Store.SaveSignedPreKeyAsync(1, signed);
        await party.Store.SaveKyberPreKeyAsync(1, kyber, isLastResort: true);
        return party;
    }

    /// <summary>A session alice → bob that bob has answered, so alice now sends Whisper (type 2) messages.</summary>
    public static async Task<(SessionParty Alice, SessionParty Bob)> EstablishedPairAsync()
    {
        SessionParty alice = await CreateAsync("alice", 1111);
        SessionParty bob = await CreateAsync("bob", 2222);
        await alice.Cipher.ProcessPreKeyBundleAsync(bob.Address, BundleFromBytes(await bob.FreshBundleAsync()));
        byte[] hello = new byte[8];
        Check(await bob.DecryptAsync(alice, await alice.EncryptAsync(bob, hello)), hello, "setup");
        Check(await alice.DecryptAsync(bob, await bob.EncryptAsync(alice, hello)), hello, "setup reply");
        return (alice, bob);
    }

    /// <summary>Bob's bundle as a client receives it from the server: bytes. Mints and stores a fresh one-time prekey.</summary>
    public async ValueTask<BundleBytes> FreshBundleAsync()
    {
        uint id = _nextPreKeyId++;
        using PreKeyRecord preKey = PreKeyRecord.Generate(id);
        await Store.SavePreKeyAsync(id, preKey);
        return new BundleBytes(
            RegistrationId,
            Address.DeviceId,
            id,
            preKey.PublicKey.Serialize(),
            1,
            _signedPreKeyPublic,
            _signedPreKeySignature,
            Identity.PublicKey.Serialize(),
            1,
            _kyberPreKeyPublic,
            _kyberPreKeySignature);
    }

    /// <summary>Parses the bundle's keys and verifies its two signatures (inside the timed region, as libsignal's side does).</summary>
    public static PreKeyBundle BundleFromBytes(BundleBytes b) => new(
        b.RegistrationId,
        b.DeviceId,
        b.PreKeyId,
        PublicKey.Deserialize(b.PreKeyPublic),
        b.SignedPreKeyId,
        PublicKey.Deserialize(b.SignedPreKeyPublic),
        b.SignedPreKeySignature,
        PublicKey.Deserialize(b.IdentityKey),
        b.KyberPreKeyId,
        KyberPublicKey.Deserialize(b.KyberPreKeyPublic),
        b.KyberPreKeySignature);

    /// <summary>Encrypts for <paramref name="to"/> and serializes, as the sender hands the message to the transport.</summary>
    public async ValueTask<WireMessage> EncryptAsync(SessionParty to, byte[] plaintext)
    {
        CiphertextMessage message = await Cipher.EncryptAsync(to.Address, plaintext);
        return new WireMessage(message.Type, message.Serialize());
    }

    /// <summary>Parses the message bytes by type and decrypts them.</summary>
    public ValueTask<byte[]> DecryptAsync(SessionParty from, WireMessage message) => message.Type == CiphertextMessageType.PreKey
        ? Cipher.DecryptAsync(from.Address, PreKeySignalMessage.Deserialize(message.Serialized))
        : Cipher.DecryptAsync(from.Address, SignalMessage.Deserialize(message.Serialized));

    public static void Check(byte[] plaintext, byte[] expected, string what)
    {
        if (!plaintext.AsSpan().SequenceEqual(expected))
        {
            throw new InvalidOperationException($"{what}: decrypted plaintext differs from what was sent");
        }
    }

    public void Dispose()
    {
        Store.Dispose();
        Identity.Dispose();
    }
}

/// <summary>A prekey bundle as the server hands it out.</summary>
internal sealed record BundleBytes(
    uint RegistrationId,
    uint DeviceId,
    uint PreKeyId,
    byte[] PreKeyPublic,
    uint SignedPreKeyId,
    byte[] SignedPreKeyPublic,
    byte[] SignedPreKeySignature,
    byte[] IdentityKey,
    uint KyberPreKeyId,
    byte[] KyberPreKeyPublic,
    byte[] KyberPreKeySignature);

/// <summary>A message as it travels: its type and bytes.</summary>
internal readonly record struct WireMessage(CiphertextMessageType Type, byte[] Serialized);

/// <summary>
/// <see cref="InMemorySessionStore"/>'s behaviour (records kept serialized: <see cref="SessionRecord.Serialize"/>
/// on every store, <see cref="SessionRecord.Deserialize"/> on every load) plus <see cref="Clear"/>, so that each
/// session-setup iteration is a first contact, as libsignal-bench.mjs clears its stores.
/// </summary>
internal sealed class SerializingSessionStore : ISessionStore
{
    private readonly ConcurrentDictionary<ProtocolAddress, byte[]> _sessions = new();

    public ValueTask<SessionRecord?> LoadSessionAsync(ProtocolAddress address, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_sessions.TryGetValue(address, out byte[]? serialized) ? SessionRecord.Deserialize(serialized) : null);

    public ValueTask StoreSessionAsync(ProtocolAddress address, SessionRecord record, CancellationToken cancellationToken = default)
    {
        _sessions[address] = record.Serialize();
        return ValueTask.CompletedTask;
    }

    public void Clear() => _sessions.Clear();

    /// <summary>The stored record's size in bytes (0 when there is none).</summary>
    public int Size(ProtocolAddress address) => _sessions.TryGetValue(address, out byte[]? serialized) ? serialized.Length : 0;

    /// <summary>The stored record's bytes, for profiling.</summary>
    public byte[]? Bytes(ProtocolAddress address) => _sessions.TryGetValue(address, out byte[]? serialized) ? serialized : null;
}
