using System.Security.Cryptography;
using E2EMessaging.Protocol.Crypto;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.Messages;
using E2EMessaging.Protocol.Storage;
using Google.Protobuf;

namespace E2EMessaging.Protocol.Sessions;

/// <summary>Encryption on the sending chain.</summary>
public sealed partial class SessionCipher
{
    /// <summary>
    /// Encrypts <paramref name="plaintext"/> for <paramref name="remoteAddress"/>: a <see cref="PreKeySignalMessage"/>
    /// until the peer has replied, a <see cref="SignalMessage"/> afterwards.
    /// </summary>
    /// <exception cref="ProtocolException">
    /// No session (<see cref="ProtocolErrorKind.NoSession"/>, also when an unanswered session is older than 30 days),
    /// or the peer's identity is no longer trusted (<see cref="ProtocolErrorKind.UntrustedIdentity"/>).
    /// </exception>
    public async ValueTask<CiphertextMessage> EncryptAsync(ProtocolAddress remoteAddress, ReadOnlyMemory<byte> plaintext, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(remoteAddress);
        using AddressLocks.Releaser _ = await _locks.AcquireAsync(remoteAddress, cancellationToken).ConfigureAwait(false);

        SessionRecord? record = await _sessionStore.LoadSessionAsync(remoteAddress, cancellationToken).ConfigureAwait(false);
        SessionState state = record?.Current ?? ThrowHelper.Protocol<SessionState>(ProtocolErrorKind.NoSession, $"There is no session with {remoteAddress}.");
        var pending = state.PendingPreKey;
        if (pending is not null)
        {
            DateTimeOffset started = DateTimeOffset.FromUnixTimeSeconds((long)Math.Min(pending.Timestamp, (ulong)DateTimeOffset.MaxValue.ToUnixTimeSeconds()));
            if (started + Limits.MaxUnacknowledgedSessionAge < _time.GetUtcNow())
            {
                ThrowHelper.Protocol(ProtocolErrorKind.NoSession, $"The session with {remoteAddress} was never answered and is older than 30 days.");
            }
        }

        PublicKey remoteIdentity = state.RemoteIdentity;
        CiphertextMessage message = EncryptWithState(state, remoteAddress, plaintext.Span);

        if (!await _identityStore.IsTrustedIdentityAsync(remoteAddress, remoteIdentity, Direction.Sending, cancellationToken).ConfigureAwait(false))
        {
            ThrowHelper.Protocol(ProtocolErrorKind.UntrustedIdentity, $"The identity key of {remoteAddress} has changed and is not trusted.");
        }

        await _identityStore.SaveIdentityAsync(remoteAddress, remoteIdentity, cancellationToken).ConfigureAwait(false);
        await _sessionStore.StoreSessionAsync(remoteAddress, record!, cancellationToken).ConfigureAwait(false);
        return message;
    }

    /// <summary>Encrypts with the sending chain and advances it (and the SPQR state) in <paramref name="state"/>.</summary>
    private CiphertextMessage EncryptWithState(SessionState state, ProtocolAddress remoteAddress, ReadOnlySpan<byte> plaintext)
    {
        PublicKey localIdentity = state.LocalIdentity;
        PublicKey remoteIdentity = state.RemoteIdentity;
        uint index = state.SenderChainIndex;

        Span<byte> pqKey = stackalloc byte[PostQuantumRatchet.KeyLength];
        Span<byte> seed = stackalloc byte[MessageKeys.SeedLength];
        Span<byte> keyBuffer = stackalloc byte[MessageKeys.DerivedLength];
        Span<byte> nextChainKey = stackalloc byte[ChainKey.Length];
        try
        {
            ByteString pqState = PostQuantumRatchet.Send(state.PqRatchetState, _random, pqKey, out int pqKeyLength, out ByteString pqMessage, _spqrCache.For(remoteAddress));
            ReadOnlySpan<byte> chainKey = state.SenderChainKey;
            ChainKey.MessageKeySeed(chainKey, seed);
            ChainKey.Next(chainKey, nextChainKey);
            using var keys = new MessageKeys(keyBuffer, seed, pqKey[..pqKeyLength]);
            byte[] ciphertext = Aes256Cbc.Encrypt(keys.CipherKey, keys.Iv, plaintext);

            var pending = state.PendingPreKey;
            byte[]? addresses = pending is null ? null : ServiceIds.EncodeAddresses(_localAddress, remoteAddress);
            SignalMessage signalMessage = SignalMessage.Create(
                keys.MacKey,
                state.SenderRatchetKey,
                index,
                state.PreviousCounter,
                ciphertext,
                localIdentity,
                remoteIdentity,
                pqMessage,
                addresses is null ? null : ByteString.CopyFrom(addresses));

            CiphertextMessage result = signalMessage;
            if (pending is not null)
            {
                var pendingKyber = state.PendingKyberPreKey
                    ?? ThrowHelper.Protocol<Proto.Storage.SessionStructure.Types.PendingKyberPreKey>(ProtocolErrorKind.InvalidEncoding, "The unanswered session has no Kyber prekey data.");
                result = PreKeySignalMessage.Create(
                    state.Structure.LocalRegistrationId,
                    pending.HasPreKeyId ? pending.PreKeyId : null,
                    unchecked((uint)pending.SignedPreKeyId),
                    pendingKyber.PreKeyId,
                    pendingKyber.Ciphertext,
                    PublicKey.Deserialize(pending.BaseKey.Span),
                    localIdentity,
                    signalMessage);
            }

            state.SetSenderChainKey(index + 1, nextChainKey);
            state.PqRatchetState = pqState;
            return result;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pqKey);
            CryptographicOperations.ZeroMemory(seed);
            CryptographicOperations.ZeroMemory(nextChainKey);
        }
    }
}
