using System.Security.Cryptography;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.Messages;
using E2EMessaging.Protocol.PreKeys;
using E2EMessaging.Protocol.Storage;

namespace E2EMessaging.Protocol.Sessions;

/// <summary>Session setup on both sides (PQXDH).</summary>
public sealed partial class SessionCipher
{
    /// <summary>
    /// Starts a session with <paramref name="remoteAddress"/> from its prekey bundle (the initiator's side of
    /// PQXDH). Messages encrypted afterwards are <see cref="PreKeySignalMessage"/>s until the peer replies.
    /// </summary>
    /// <exception cref="ProtocolException">The bundle's identity is not trusted (<see cref="ProtocolErrorKind.UntrustedIdentity"/>).</exception>
    public async ValueTask ProcessPreKeyBundleAsync(ProtocolAddress remoteAddress, PreKeyBundle bundle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(remoteAddress);
        ArgumentNullException.ThrowIfNull(bundle);
        using AddressLocks.Releaser _ = await _locks.AcquireAsync(remoteAddress, cancellationToken).ConfigureAwait(false);

        // The bundle's signatures were verified when it was constructed.
        if (!await _identityStore.IsTrustedIdentityAsync(remoteAddress, bundle.IdentityKey, Direction.Sending, cancellationToken).ConfigureAwait(false))
        {
            ThrowHelper.Protocol(ProtocolErrorKind.UntrustedIdentity, $"The identity key of {remoteAddress} has changed and is not trusted.");
        }

        SessionRecord record = await _sessionStore.LoadSessionAsync(remoteAddress, cancellationToken).ConfigureAwait(false) ?? SessionRecord.Empty();
        using IdentityKeyPair ourIdentity = await _identityStore.GetIdentityKeyPairAsync(cancellationToken).ConfigureAwait(false);
        uint localRegistrationId = await _identityStore.GetLocalRegistrationIdAsync(cancellationToken).ConfigureAwait(false);

        using EcKeyPair baseKey = EcKeyPair.Generate(_random);
        byte[] kyberCiphertext = new byte[KyberPublicKey.SerializedCiphertextLength];
        Span<byte> secrets = stackalloc byte[Pqxdh.OutputLength];
        SessionState state;
        try
        {
            Pqxdh.Initiate(ourIdentity, baseKey, bundle.IdentityKey, bundle.SignedPreKey, bundle.PreKey, bundle.KyberPreKey, _random, kyberCiphertext, secrets);
            state = SessionState.CreateInitiator(ourIdentity.PublicKey, bundle.IdentityKey, secrets[..32], secrets[32..64], baseKey.PublicKey, bundle.SignedPreKey, _random);
            bool selfSession = ServiceIds.IsSameAccount(_localAddress, ourIdentity.PublicKey, remoteAddress, bundle.IdentityKey);
            state.PqRatchetState = PostQuantumRatchet.InitialState(secrets[64..Pqxdh.OutputLength], initiator: true, selfSession);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secrets);
        }

        state.SetUnacknowledgedPreKeyMessage(bundle.PreKeyId, bundle.SignedPreKeyId, baseKey.PublicKey, bundle.KyberPreKeyId, kyberCiphertext, _time.GetUtcNow().ToUnixTimeSeconds());
        state.SetRegistrationIds(localRegistrationId, bundle.RegistrationId);

        await _identityStore.SaveIdentityAsync(remoteAddress, bundle.IdentityKey, cancellationToken).ConfigureAwait(false);
        record.PromoteState(state);
        await _sessionStore.StoreSessionAsync(remoteAddress, record, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The prekeys a new incoming session used, to delete or mark once its first message decrypted.</summary>
    private readonly record struct PreKeysUsed(uint? OneTimePreKeyId, uint SignedPreKeyId, uint KyberPreKeyId);

    /// <summary>
    /// The recipient's side of PQXDH, on the record in memory: reuses the session this base key already started,
    /// or builds a new state from the named prekeys and makes it current. Nothing is stored here.
    /// </summary>
    private async ValueTask<PreKeysUsed?> ProcessPreKeyMessageAsync(ProtocolAddress remoteAddress, PreKeySignalMessage message, SessionRecord record, CancellationToken cancellationToken)
    {
        if (record.PromoteMatchingState(CiphertextMessage.CurrentVersion, message.BaseKey))
        {
            return null;
        }

        using IdentityKeyPair ourIdentity = await _identityStore.GetIdentityKeyPairAsync(cancellationToken).ConfigureAwait(false);
        uint localRegistrationId = await _identityStore.GetLocalRegistrationIdAsync(cancellationToken).ConfigureAwait(false);
        using SignedPreKeyRecord signedPreKey = await _signedPreKeyStore.GetSignedPreKeyAsync(message.SignedPreKeyId, cancellationToken).ConfigureAwait(false);
        using KyberPreKeyRecord kyberPreKey = await _kyberPreKeyStore.GetKyberPreKeyAsync(message.KyberPreKeyId, cancellationToken).ConfigureAwait(false);
        using PreKeyRecord? oneTimePreKey = message.PreKeyId is uint preKeyId
            ? await _preKeyStore.GetPreKeyAsync(preKeyId, cancellationToken).ConfigureAwait(false)
            : null;

        Span<byte> secrets = stackalloc byte[Pqxdh.OutputLength];
        try
        {
            Pqxdh.Accept(ourIdentity, signedPreKey.KeyPair, oneTimePreKey?.KeyPair, kyberPreKey.KeyPair.SecretKey, message.IdentityKey, message.BaseKey, message.KyberCiphertext.Span, secrets);
            SessionState state = SessionState.CreateRecipient(ourIdentity.PublicKey, message.IdentityKey, secrets[..32], secrets[32..64], message.BaseKey, signedPreKey.KeyPair);
            bool selfSession = ServiceIds.IsSameAccount(_localAddress, ourIdentity.PublicKey, remoteAddress, message.IdentityKey);
            state.PqRatchetState = PostQuantumRatchet.InitialState(secrets[64..Pqxdh.OutputLength], initiator: false, selfSession);
            state.SetRegistrationIds(localRegistrationId, message.RegistrationId);
            record.PromoteState(state);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secrets);
        }

        return new PreKeysUsed(message.PreKeyId, message.SignedPreKeyId, message.KyberPreKeyId);
    }
}
