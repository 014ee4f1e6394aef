using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.Messages;
using E2EMessaging.Protocol.Proto.Storage;
using Google.Protobuf;

namespace E2EMessaging.Protocol.Sessions;

/// <summary>Starting a session from the PQXDH output, on each side.</summary>
internal sealed partial class SessionState
{
    /// <summary>
    /// The initiator's new state: a receiving chain for the recipient's signed prekey with the PQXDH chain key, and
    /// a sending chain from a fresh ratchet key stepped against that signed prekey.
    /// </summary>
    internal static SessionState CreateInitiator(
        PublicKey localIdentity,
        PublicKey remoteIdentity,
        ReadOnlySpan<byte> rootKey,
        ReadOnlySpan<byte> chainKey,
        PublicKey ourBaseKey,
        PublicKey theirSignedPreKey,
        IRandomSource random)
    {
        var state = new SessionState(NewStructure(localIdentity, remoteIdentity, ourBaseKey));
        using EcKeyPair sendingRatchet = EcKeyPair.Generate(random);
        Span<byte> sendingRoot = stackalloc byte[RootKey.Length];
        Span<byte> sendingChain = stackalloc byte[ChainKey.Length];
        RootKey.CreateChain(rootKey, theirSignedPreKey, sendingRatchet.PrivateKey, sendingRoot, sendingChain);
        state.SetRootKey(sendingRoot);
        state.AddReceiverChain(theirSignedPreKey, chainKey);
        state.SetSenderChain(sendingRatchet, sendingChain);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(sendingRoot);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(sendingChain);
        return state;
    }

    /// <summary>The recipient's new state: its signed prekey is the first sending ratchet key, with the PQXDH chain key.</summary>
    internal static SessionState CreateRecipient(
        PublicKey localIdentity,
        PublicKey remoteIdentity,
        ReadOnlySpan<byte> rootKey,
        ReadOnlySpan<byte> chainKey,
        PublicKey theirBaseKey,
        EcKeyPair ourSignedPreKey)
    {
        var state = new SessionState(NewStructure(localIdentity, remoteIdentity, theirBaseKey));
        state.SetRootKey(rootKey);
        state.SetSenderChain(ourSignedPreKey, chainKey);
        return state;
    }

    /// <summary>Remembers what the initiator repeats in every message until the first reply.</summary>
    internal void SetUnacknowledgedPreKeyMessage(uint? preKeyId, uint signedPreKeyId, PublicKey baseKey, uint kyberPreKeyId, ReadOnlySpan<byte> kyberCiphertext, long unixSeconds)
    {
        var pending = new SessionStructure.Types.PendingPreKey
        {
            SignedPreKeyId = unchecked((int)signedPreKeyId),
            BaseKey = ByteString.CopyFrom(baseKey.SerializedSpan),
            Timestamp = (ulong)Math.Max(0, unixSeconds),
        };
        if (preKeyId.HasValue)
        {
            pending.PreKeyId = preKeyId.Value;
        }

        Structure.PendingPreKey = pending;
        Structure.PendingKyberPreKey = new SessionStructure.Types.PendingKyberPreKey { PreKeyId = kyberPreKeyId, Ciphertext = ByteString.CopyFrom(kyberCiphertext) };
    }

    internal SessionStructure.Types.PendingPreKey? PendingPreKey => Structure.PendingPreKey;

    internal SessionStructure.Types.PendingKyberPreKey? PendingKyberPreKey => Structure.PendingKyberPreKey;

    /// <summary>Forgets the prekey data the initiator sends until the first reply.</summary>
    internal void ClearUnacknowledgedPreKeyMessage()
    {
        Structure.PendingPreKey = null;
        Structure.PendingKyberPreKey = null;
    }

    internal void SetRegistrationIds(uint local, uint remote)
    {
        Structure.LocalRegistrationId = local;
        Structure.RemoteRegistrationId = remote;
    }

    private static SessionStructure NewStructure(PublicKey localIdentity, PublicKey remoteIdentity, PublicKey aliceBaseKey) => new()
    {
        SessionVersion = CiphertextMessage.CurrentVersion,
        LocalIdentityPublic = ByteString.CopyFrom(localIdentity.SerializedSpan),
        RemoteIdentityPublic = ByteString.CopyFrom(remoteIdentity.SerializedSpan),
        AliceBaseKey = ByteString.CopyFrom(aliceBaseKey.SerializedSpan),
    };
}
