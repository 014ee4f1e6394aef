using System.Buffers.Binary;
using System.Security.Cryptography;
using E2EMessaging.Protocol.Crypto;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.Messages;
using E2EMessaging.Protocol.Proto.Storage;
using E2EMessaging.Protocol.Sessions;
using E2EMessaging.Protocol.Storage;
using Google.Protobuf;

namespace E2EMessaging.Protocol.Groups;

/// <summary>
/// Sender-key group messaging, wire-compatible with libsignal 0.103: each member encrypts a group message once with
/// its own sender key, and sends that key to the other members (a <see cref="SenderKeyDistributionMessage"/>) over
/// their 1:1 sessions.
/// </summary>
/// <remarks>
/// Share one instance per local device: it serializes the work on each sender's records and runs different senders
/// in parallel. A failed decryption (bad signature, duplicate, corrupted ciphertext) leaves the stored record as it was.
/// </remarks>
public sealed class GroupCipher
{
    private readonly ISenderKeyStore _store;
    private readonly IRandomSource _random;
    private readonly AddressLocks _locks = new();
    private readonly SigningKeyCache _signingKeys = new();

    /// <summary>Creates the cipher over <paramref name="store"/>.</summary>
    /// <param name="store">Sender-key records.</param>
    /// <param name="random">Randomness for new sender keys and signatures; the system CSPRNG when null.</param>
    public GroupCipher(ISenderKeyStore store, IRandomSource? random = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _random = random ?? SystemRandomSource.Instance;
    }

    /// <summary>
    /// This device's distribution message for the group: creates a sender key (random 31-bit chain id, random chain
    /// key, fresh signing key) the first time, and otherwise describes the current one at its current iteration.
    /// </summary>
    public async ValueTask<SenderKeyDistributionMessage> CreateDistributionMessageAsync(ProtocolAddress self, Guid distributionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(self);
        using AddressLocks.Releaser _ = await _locks.AcquireAsync(self, cancellationToken).ConfigureAwait(false);
        SenderKeyRecord? record = await _store.LoadSenderKeyAsync(self, distributionId, cancellationToken).ConfigureAwait(false);
        if (record is null || record.States.Count == 0)
        {
            record = SenderKeyRecord.Empty();
            record.AddState(NewOwnState());
            await _store.StoreSenderKeyAsync(self, distributionId, record, cancellationToken).ConfigureAwait(false);
        }

        return Describe(distributionId, record.States[0]);
    }

    /// <summary>
    /// Starts a new sender key for the group (new chain id, chain key and signing key) and returns its distribution
    /// message. Send it only to the members who remain: a removed member cannot read anything encrypted afterwards.
    /// </summary>
    public async ValueTask<SenderKeyDistributionMessage> RotateAsync(ProtocolAddress self, Guid distributionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(self);
        using AddressLocks.Releaser _ = await _locks.AcquireAsync(self, cancellationToken).ConfigureAwait(false);

        // Our own record only needs the current state: nobody else sends on our chain.
        SenderKeyRecord record = SenderKeyRecord.Empty();
        record.AddState(NewOwnState());
        await _store.StoreSenderKeyAsync(self, distributionId, record, cancellationToken).ConfigureAwait(false);
        return Describe(distributionId, record.States[0]);
    }

    /// <summary>Stores another member's sender key, as a new state beside the ones already known (up to five).</summary>
    public async ValueTask ProcessDistributionMessageAsync(ProtocolAddress sender, SenderKeyDistributionMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(message);
        using AddressLocks.Releaser _ = await _locks.AcquireAsync(sender, cancellationToken).ConfigureAwait(false);
        SenderKeyRecord record = await _store.LoadSenderKeyAsync(sender, message.DistributionId, cancellationToken).ConfigureAwait(false) ?? SenderKeyRecord.Empty();
        record.AddState(new SenderKeyStateStructure
        {
            MessageVersion = SenderKeyMessage.Version,
            ChainId = message.ChainId,
            SenderChainKey = new SenderKeyStateStructure.Types.SenderChainKey { Iteration = message.Iteration, Seed = message.ChainKey },
            SenderSigningKey = new SenderKeyStateStructure.Types.SenderSigningKey { Public = ByteString.CopyFrom(message.SigningKey.SerializedSpan) },
        });
        await _store.StoreSenderKeyAsync(sender, message.DistributionId, record, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Encrypts once for the whole group with this device's current sender key.</summary>
    /// <exception cref="ProtocolException">This device has no sender key for the group yet (<see cref="ProtocolErrorKind.NoSenderKeyState"/>).</exception>
    public async ValueTask<SenderKeyMessage> EncryptAsync(ProtocolAddress self, Guid distributionId, ReadOnlyMemory<byte> plaintext, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(self);
        using AddressLocks.Releaser _ = await _locks.AcquireAsync(self, cancellationToken).ConfigureAwait(false);
        SenderKeyRecord? record = await _store.LoadSenderKeyAsync(self, distributionId, cancellationToken).ConfigureAwait(false);
        if (record is null || record.States.Count == 0)
        {
            return ThrowHelper.Protocol<SenderKeyMessage>(ProtocolErrorKind.NoSenderKeyState, $"There is no sender key of our own for distribution {distributionId}; create a distribution message first.");
        }

        SenderKeyStateStructure state = record.States[0];
        if (state.SenderSigningKey is null || state.SenderSigningKey.Private.Length != PrivateKey.SerializedLength)
        {
            return ThrowHelper.Protocol<SenderKeyMessage>(ProtocolErrorKind.InvalidEncoding, $"Our sender key for distribution {distributionId} has no private signing key.");
        }

        SenderKeyMessage message = EncryptWithState(distributionId, state, plaintext.Span);
        await _store.StoreSenderKeyAsync(self, distributionId, record, cancellationToken).ConfigureAwait(false);
        return message;
    }

    /// <summary>Decrypts a group message from <paramref name="sender"/>: the signature is checked first, then the key derived.</summary>
    /// <exception cref="ProtocolException">
    /// No sender key for the message's chain (<see cref="ProtocolErrorKind.NoSenderKeyState"/>), a bad signature
    /// (<see cref="ProtocolErrorKind.InvalidSignature"/>), a duplicate, a jump too far ahead, or a corrupted ciphertext.
    /// </exception>
    public async ValueTask<byte[]> DecryptAsync(ProtocolAddress sender, SenderKeyMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(message);
        using AddressLocks.Releaser _ = await _locks.AcquireAsync(sender, cancellationToken).ConfigureAwait(false);
        SenderKeyRecord record = await _store.LoadSenderKeyAsync(sender, message.DistributionId, cancellationToken).ConfigureAwait(false)
            ?? ThrowHelper.Protocol<SenderKeyRecord>(ProtocolErrorKind.NoSenderKeyState, $"There is no sender key from {sender} for distribution {message.DistributionId}.");
        int stateIndex = record.FindState(message.ChainId);
        if (stateIndex < 0)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.NoSenderKeyState, $"There is no sender key from {sender} with chain {message.ChainId} for distribution {message.DistributionId}.");
        }

        SenderKeyStateStructure state = record.States[stateIndex];

        uint stateVersion = state.MessageVersion == 0 ? SenderKeyMessage.Version : state.MessageVersion;
        if (stateVersion != SenderKeyMessage.Version)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.UnsupportedVersion, $"The sender key from {sender} has version {stateVersion}.");
        }

        PublicKey signingKey = _signingKeys.PublicKey(state.SenderSigningKey?.Public ?? ByteString.Empty);
        if (!message.VerifySignature(signingKey))
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidSignature, $"The group message from {sender} has a bad signature.");
        }

        // Work on a copy of the state: a duplicate or corrupted ciphertext must leave the stored record unchanged.
        SenderKeyStateStructure attempt = state.Clone();
        Span<byte> seed = stackalloc byte[SenderChain.KeyLength];
        Span<byte> keys = stackalloc byte[SenderChain.MessageKeysLength];
        byte[] plaintext;
        try
        {
            SenderChain.ConsumeSeed(attempt, message.Iteration, seed);
            SenderChain.MessageKeys(seed, keys);
            if (!Aes256Cbc.TryDecrypt(keys[16..], keys[..16], message.Ciphertext.Span, out plaintext))
            {
                return ThrowHelper.Protocol<byte[]>(ProtocolErrorKind.InvalidMessage, $"The group message from {sender} does not decrypt.");
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
            CryptographicOperations.ZeroMemory(keys);
        }

        record.States[stateIndex] = attempt;
        await _store.StoreSenderKeyAsync(sender, message.DistributionId, record, cancellationToken).ConfigureAwait(false);
        return plaintext;
    }

    private SenderKeyMessage EncryptWithState(Guid distributionId, SenderKeyStateStructure state, ReadOnlySpan<byte> plaintext)
    {
        Span<byte> seed = stackalloc byte[SenderChain.KeyLength];
        Span<byte> keys = stackalloc byte[SenderChain.MessageKeysLength];
        try
        {
            uint iteration = SenderChain.NextSendingSeed(state, seed);
            SenderChain.MessageKeys(seed, keys);
            byte[] ciphertext = Aes256Cbc.Encrypt(keys[16..], keys[..16], plaintext);
            using PrivateKey signingKey = PrivateKey.Deserialize(state.SenderSigningKey.Private.Span);
            _signingKeys.AdoptEdwardsPublicKey(state.SenderSigningKey.Public, signingKey);
            return SenderKeyMessage.Create(distributionId, state.ChainId, iteration, ciphertext, signingKey, _random);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
            CryptographicOperations.ZeroMemory(keys);
        }
    }

    /// <summary>A fresh sender key of our own: random 31-bit chain id, random chain key, new signing key pair.</summary>
    private SenderKeyStateStructure NewOwnState()
    {
        Span<byte> random = stackalloc byte[4 + SenderChain.KeyLength];
        _random.Fill(random);
        using EcKeyPair signing = EcKeyPair.Generate(_random);
        byte[] signingPrivate = signing.PrivateKey.Serialize();
        var state = new SenderKeyStateStructure
        {
            MessageVersion = SenderKeyMessage.Version,
            ChainId = BinaryPrimitives.ReadUInt32LittleEndian(random) >> 1,
            SenderChainKey = new SenderKeyStateStructure.Types.SenderChainKey { Iteration = 0, Seed = ByteString.CopyFrom(random[4..]) },
            SenderSigningKey = new SenderKeyStateStructure.Types.SenderSigningKey
            {
                Public = ByteString.CopyFrom(signing.PublicKey.SerializedSpan),
                Private = UnsafeByteOperations.UnsafeWrap(signingPrivate),
            },
        };
        CryptographicOperations.ZeroMemory(random);
        return state;
    }

    private static SenderKeyDistributionMessage Describe(Guid distributionId, SenderKeyStateStructure state)
    {
        SenderKeyStateStructure.Types.SenderChainKey chain = state.SenderChainKey
            ?? ThrowHelper.Protocol<SenderKeyStateStructure.Types.SenderChainKey>(ProtocolErrorKind.InvalidEncoding, "Our sender key has no chain key.");
        return SenderKeyDistributionMessage.Create(distributionId, state.ChainId, chain.Iteration, chain.Seed.Span, PublicKey.Deserialize(state.SenderSigningKey.Public.Span));
    }
}
