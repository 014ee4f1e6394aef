using System.Security.Cryptography;
using E2EMessaging.Protocol.Crypto;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.Messages;
using E2EMessaging.Protocol.Storage;
using Google.Protobuf;

namespace E2EMessaging.Protocol.Sessions;

/// <summary>Decryption: the current state first, then archived states, committing only what authenticated.</summary>
public sealed partial class SessionCipher
{
    private async ValueTask<byte[]> DecryptPreKeyMessageAsync(ProtocolAddress remoteAddress, PreKeySignalMessage message, CancellationToken cancellationToken)
    {
        using AddressLocks.Releaser _ = await _locks.AcquireAsync(remoteAddress, cancellationToken).ConfigureAwait(false);

        if (!await _identityStore.IsTrustedIdentityAsync(remoteAddress, message.IdentityKey, Direction.Receiving, cancellationToken).ConfigureAwait(false))
        {
            ThrowHelper.Protocol(ProtocolErrorKind.UntrustedIdentity, $"The identity key of {remoteAddress} has changed and is not trusted.");
        }

        SessionRecord record = await _sessionStore.LoadSessionAsync(remoteAddress, cancellationToken).ConfigureAwait(false) ?? SessionRecord.Empty();
        PreKeysUsed? used = await ProcessPreKeyMessageAsync(remoteAddress, message, record, cancellationToken).ConfigureAwait(false);
        byte[] plaintext = DecryptWithRecord(record, remoteAddress, message.Message, CiphertextMessageType.PreKey);

        // The message authenticated: now, and only now, change stored state.
        await _identityStore.SaveIdentityAsync(remoteAddress, message.IdentityKey, cancellationToken).ConfigureAwait(false);
        if (used is PreKeysUsed keys)
        {
            await _kyberPreKeyStore.MarkKyberPreKeyUsedAsync(keys.KyberPreKeyId, keys.SignedPreKeyId, message.BaseKey, cancellationToken).ConfigureAwait(false);
            if (keys.OneTimePreKeyId is uint preKeyId)
            {
                await _preKeyStore.RemovePreKeyAsync(preKeyId, cancellationToken).ConfigureAwait(false);
            }
        }

        await _sessionStore.StoreSessionAsync(remoteAddress, record, cancellationToken).ConfigureAwait(false);
        return plaintext;
    }

    private async ValueTask<byte[]> DecryptSignalMessageAsync(ProtocolAddress remoteAddress, SignalMessage message, CancellationToken cancellationToken)
    {
        using AddressLocks.Releaser _ = await _locks.AcquireAsync(remoteAddress, cancellationToken).ConfigureAwait(false);

        SessionRecord record = await _sessionStore.LoadSessionAsync(remoteAddress, cancellationToken).ConfigureAwait(false)
            ?? ThrowHelper.Protocol<SessionRecord>(ProtocolErrorKind.NoSession, $"There is no session with {remoteAddress}.");
        byte[] plaintext = DecryptWithRecord(record, remoteAddress, message, CiphertextMessageType.Whisper);

        PublicKey remoteIdentity = record.Current!.RemoteIdentity;
        if (!await _identityStore.IsTrustedIdentityAsync(remoteAddress, remoteIdentity, Direction.Receiving, cancellationToken).ConfigureAwait(false))
        {
            ThrowHelper.Protocol(ProtocolErrorKind.UntrustedIdentity, $"The identity key of {remoteAddress} has changed and is not trusted.");
        }

        await _identityStore.SaveIdentityAsync(remoteAddress, remoteIdentity, cancellationToken).ConfigureAwait(false);
        await _sessionStore.StoreSessionAsync(remoteAddress, record, cancellationToken).ConfigureAwait(false);
        return plaintext;
    }

    /// <summary>
    /// Tries the current state, then (for <see cref="SignalMessage"/>s only, as libsignal does) each archived state,
    /// each on a copy; the copy that decrypts replaces its original in <paramref name="record"/>. A duplicate stops
    /// the search at once. When nothing decrypts, the current state's error is the one reported (it says why
    /// the live session refused the message, e.g. a jump too far ahead).
    /// </summary>
    private byte[] DecryptWithRecord(SessionRecord record, ProtocolAddress remoteAddress, SignalMessage message, CiphertextMessageType messageType)
    {
        ProtocolException? currentError = null;
        if (record.Current is SessionState current && current.Version == (uint)message.MessageVersion)
        {
            SessionState attempt = current.Clone();
            if (TryDecryptWithState(attempt, remoteAddress, message, out byte[] plaintext, out ProtocolException? error))
            {
                record.Current = attempt;
                return plaintext;
            }

            if (error.Kind is ProtocolErrorKind.DuplicateMessage || messageType == CiphertextMessageType.PreKey)
            {
                throw error;
            }

            currentError = error;
        }

        for (int i = 0; i < record.Previous.Count; i++)
        {
            SessionState? previous = record.TryReadPrevious(i);
            if (previous is null || previous.Version != (uint)message.MessageVersion)
            {
                continue;
            }

            if (TryDecryptWithState(previous, remoteAddress, message, out byte[] plaintext, out ProtocolException? error))
            {
                record.PromotePrevious(i, previous);
                return plaintext;
            }

            if (error.Kind is ProtocolErrorKind.DuplicateMessage)
            {
                throw error;
            }
        }

        throw currentError ?? new ProtocolException(ProtocolErrorKind.InvalidMessage, $"No session state with {remoteAddress} decrypts this message.");
    }

    /// <summary>
    /// The receiving half of the triple ratchet on one state (mutated only on success is the caller's business:
    /// it passes a copy): DH step and chain key, then SPQR, then the MAC, then AES.
    /// </summary>
    private bool TryDecryptWithState(SessionState state, ProtocolAddress remoteAddress, SignalMessage message, out byte[] plaintext, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out ProtocolException? error)
    {
        plaintext = [];
        error = null;
        Span<byte> seed = stackalloc byte[MessageKeys.SeedLength];
        Span<byte> legacy = stackalloc byte[MessageKeys.DerivedLength];
        Span<byte> pqKey = stackalloc byte[PostQuantumRatchet.KeyLength];
        Span<byte> keyBuffer = stackalloc byte[MessageKeys.DerivedLength];
        try
        {
            if (!state.HasSenderChain)
            {
                error = new ProtocolException(ProtocolErrorKind.InvalidMessage, "The session state has no sending chain.");
                return false;
            }

            bool fromSeed = state.ConsumeMessageKey(message.SenderRatchetKey, message.Counter, MaxForwardJumps(state, remoteAddress), _random, seed, legacy);
            ByteString pqState = PostQuantumRatchet.Receive(state.PqRatchetState, message.PqRatchet, pqKey, out int pqKeyLength, _spqrCache.For(remoteAddress));
            using MessageKeys keys = fromSeed ? new MessageKeys(keyBuffer, seed, pqKey[..pqKeyLength]) : MessageKeys.FromDerived(keyBuffer, legacy);

            if (!message.VerifyMac(state.RemoteIdentity, state.LocalIdentity, keys.MacKey) || !AddressesMatch(message, remoteAddress))
            {
                error = new ProtocolException(ProtocolErrorKind.InvalidMessage, $"The message from {remoteAddress} failed authentication.");
                return false;
            }

            if (!Aes256Cbc.TryDecrypt(keys.CipherKey, keys.Iv, message.Body.Span, out plaintext))
            {
                error = new ProtocolException(ProtocolErrorKind.InvalidMessage, $"The message from {remoteAddress} has bad padding.");
                return false;
            }

            state.PqRatchetState = pqState;
            state.ClearUnacknowledgedPreKeyMessage();
            return true;
        }
        catch (ProtocolException e)
        {
            error = e;
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
            CryptographicOperations.ZeroMemory(legacy);
            CryptographicOperations.ZeroMemory(pqKey);
        }
    }

    /// <summary>
    /// SignalMessage field 6: when present it must equal (remote, local) as service ids; when absent the message
    /// is accepted, as libsignal accepts messages from clients that do not send it.
    /// </summary>
    private bool AddressesMatch(SignalMessage message, ProtocolAddress remoteAddress)
    {
        if (message.Addresses is not ByteString addresses)
        {
            return true;
        }

        byte[]? expected = ServiceIds.EncodeAddresses(remoteAddress, _localAddress);
        return expected is not null && CryptographicOperations.FixedTimeEquals(expected, addresses.Span);
    }
}
