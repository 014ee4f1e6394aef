using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.Proto.Storage;
using Google.Protobuf;

namespace E2EMessaging.Protocol.Sessions;

/// <summary>
/// One session's ratchet state, kept in libsignal's storage shape so that it serializes without conversion.
/// Accessors validate what they read: a corrupt stored state is a <see cref="ProtocolException"/>, never a crash.
/// </summary>
internal sealed partial class SessionState
{
    private SessionState(SessionStructure structure)
    {
        Structure = structure;
    }

    internal SessionStructure Structure { get; }

    internal uint Version => Structure.SessionVersion;

    internal static SessionState FromStructure(SessionStructure structure) => new(structure);

    /// <summary>A deep copy to work on, so that a failed decryption leaves the stored state untouched.</summary>
    internal SessionState Clone() => new(Structure.Clone());

    internal PublicKey LocalIdentity => ReadKey(Structure.LocalIdentityPublic, "local identity key");

    internal PublicKey RemoteIdentity => ReadKey(Structure.RemoteIdentityPublic, "remote identity key");

    internal ReadOnlySpan<byte> RootKeyBytes => ReadSecret(Structure.RootKey, RootKey.Length, "root key");

    internal ByteString AliceBaseKey => Structure.AliceBaseKey;

    internal uint PreviousCounter => Structure.PreviousCounter;

    internal ByteString PqRatchetState
    {
        get => Structure.PqRatchetState;
        set => Structure.PqRatchetState = value;
    }

    /// <summary>The sending chain's ratchet public key.</summary>
    internal PublicKey SenderRatchetKey => ReadKey(SenderChain.SenderRatchetKey, "sender ratchet key");

    /// <summary>The sending chain's ratchet private key (the caller disposes it).</summary>
    internal PrivateKey SenderRatchetPrivateKey()
    {
        ByteString privateKey = SenderChain.SenderRatchetKeyPrivate;
        if (privateKey.Length != PrivateKey.SerializedLength)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidEncoding, "The session's sender ratchet private key is corrupt.");
        }

        return PrivateKey.Deserialize(privateKey.Span);
    }

    internal uint SenderChainIndex => SenderChainKeyStructure.Index;

    internal ReadOnlySpan<byte> SenderChainKey => ReadSecret(SenderChainKeyStructure.Key, ChainKey.Length, "sender chain key");

    internal void SetSenderChainKey(uint index, ReadOnlySpan<byte> key) =>
        SenderChain.ChainKey = new SessionStructure.Types.Chain.Types.ChainKey { Index = index, Key = ByteString.CopyFrom(key) };

    /// <summary>Replaces the sending chain with a fresh ratchet key pair and chain key at index 0.</summary>
    internal void SetSenderChain(EcKeyPair ratchetKey, ReadOnlySpan<byte> chainKey)
    {
        byte[] privateKey = ratchetKey.PrivateKey.Serialize();
        Structure.SenderChain = new SessionStructure.Types.Chain
        {
            SenderRatchetKey = ByteString.CopyFrom(ratchetKey.PublicKey.SerializedSpan),
            SenderRatchetKeyPrivate = UnsafeByteOperations.UnsafeWrap(privateKey),
            ChainKey = new SessionStructure.Types.Chain.Types.ChainKey { Index = 0, Key = ByteString.CopyFrom(chainKey) },
        };
    }

    internal void SetRootKey(ReadOnlySpan<byte> rootKey) => Structure.RootKey = ByteString.CopyFrom(rootKey);

    internal void SetPreviousCounter(uint previousCounter) => Structure.PreviousCounter = previousCounter;

    internal bool HasSenderChain => Structure.SenderChain is not null;

    private SessionStructure.Types.Chain SenderChain =>
        Structure.SenderChain ?? ThrowHelper.Protocol<SessionStructure.Types.Chain>(ProtocolErrorKind.NoSession, "The session has no sending chain.");

    private SessionStructure.Types.Chain.Types.ChainKey SenderChainKeyStructure =>
        SenderChain.ChainKey ?? ThrowHelper.Protocol<SessionStructure.Types.Chain.Types.ChainKey>(ProtocolErrorKind.InvalidEncoding, "The session's sending chain has no chain key.");

    private static PublicKey ReadKey(ByteString bytes, string what)
    {
        try
        {
            return PublicKey.Deserialize(bytes.Span);
        }
        catch (ProtocolException e)
        {
            throw new ProtocolException(ProtocolErrorKind.InvalidEncoding, $"The session's {what} is corrupt.", e);
        }
    }

    private static ReadOnlySpan<byte> ReadSecret(ByteString bytes, int length, string what)
    {
        if (bytes.Length != length)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidEncoding, $"The session's {what} is corrupt.");
        }

        return bytes.Span;
    }
}
