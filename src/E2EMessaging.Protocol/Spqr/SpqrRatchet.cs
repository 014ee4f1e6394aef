using System.Security.Cryptography;
using E2EMessaging.Protocol.Proto.Spqr;
using Google.Protobuf;

namespace E2EMessaging.Protocol.Spqr;

/// <summary>
/// SPQR's top level (signal.org/docs/specifications/mlkembraid, with libsignal 0.103's parameters): the ML-KEM
/// Braid produces epoch secrets, the <see cref="SpqrChain"/> turns them into one key per message, and a small
/// version negotiation lets either side fall back to "no SPQR" while the other side still allows it.
/// </summary>
/// <remarks>
/// <para>States and messages are bytes, as they travel (SessionStructure field 15 and SignalMessage field 5). An
/// empty state is version 0: no SPQR, no key and an empty message. An empty message is version 0 too; libsignal
/// 0.103 creates every state with minimum version 1, so such a message is refused by either library.</para>
/// <para>Every operation is pure: it returns the next state and leaves its input alone, so the session cipher
/// commits the state only when the message it belongs to has been authenticated.</para>
/// </remarks>
internal static class SpqrRatchet
{
    /// <summary>The version byte SPQR version 1 messages start with.</summary>
    public const byte Version1 = 1;

    /// <summary>A message key's length.</summary>
    public const int KeyLength = 32;

    /// <summary>
    /// The state a new session starts with: version 1, minimum version 1 (SPQR required, as libsignal 0.103 creates
    /// it), the chain parameters libsignal uses (a session with one's own account may jump without limit).
    /// </summary>
    public static ByteString InitialState(ReadOnlySpan<byte> authKey, SpqrDirection direction, bool selfSession)
    {
        ChainParameters parameters = SpqrChainLimits.Normalize(new ChainParameters
        {
            MaxJump = selfSession ? uint.MaxValue : (uint)Limits.MaxForwardJumps,
            MaxOooKeys = (uint)Limits.MaxSkippedMessageKeys,
        });
        var state = new SpqrState
        {
            Negotiation = new SpqrState.Types.Negotiation
            {
                AuthKey = ByteString.CopyFrom(authKey),
                Direction = direction,
                MinVersion = SpqrVersion.V1,
                ChainParams = parameters,
            },
            V1 = (direction == SpqrDirection.AToB ? Braid.InitA(authKey) : Braid.InitB(authKey)).ToProto(),
        };
        return state.ToByteString();
    }

    /// <summary>
    /// Runs the sending side: the braid's next message and, when a chain exists, the next sending key. Returns the
    /// next state; <paramref name="keyLength"/> is 0 when there is no key (the message-key HKDF then has no salt).
    /// </summary>
    public static ByteString Send(ByteString state, IRandomSource random, Span<byte> key, out int keyLength, out ByteString message, SpqrStateCache.Slot? cache = null)
    {
        keyLength = 0;
        message = ByteString.Empty;
        if (cache is null || !cache.TryGet(state, out SpqrState current, out Braid? braid, out SpqrChain? chain))
        {
            current = DecodeState(state);
            braid = current.InnerCase == SpqrState.InnerOneofCase.V1 ? Braid.FromProto(current.V1) : null;
            // A sender that may still negotiate down to "no SPQR" has no chain until it settles.
            chain = braid is null || current is { Chain: null, Negotiation.MinVersion: <= SpqrVersion.Disabled } ? null : ChainFrom(current);
        }

        if (braid is null)
        {
            return ByteString.Empty;
        }

        bool chainKept = false;
        try
        {
            BraidSendResult sent = braid.Send(random);
            uint index = 0;
            if (chain is not null)
            {
                if (sent.Secret is { } secret)
                {
                    chain.AddEpoch(secret.Epoch, secret.Secret);
                }

                (index, byte[] sendKey) = chain.SendKey(sent.Message.Epoch - 1);
                try
                {
                    sendKey.CopyTo(key);
                    keyLength = sendKey.Length;
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(sendKey);
                }
            }

            message = ByteString.CopyFrom(sent.Message.Serialize(index));
            var next = new SpqrState
            {
                Negotiation = current.Negotiation, // sending never changes the negotiation
                Chain = chain?.ToProto(),
                V1 = sent.Next.ToProto(),
            };
            ByteString nextBytes = next.ToByteString();
            if (cache is not null)
            {
                cache.Remember(nextBytes, next, sent.Next, chain);
                chainKept = true;
            }

            return nextBytes;
        }
        finally
        {
            if (!chainKept)
            {
                chain?.Dispose();
            }
        }
    }

    /// <summary>
    /// Runs the receiving side with the peer's message: negotiates the version, lets the braid take the message,
    /// and returns the next state and the message's key (<paramref name="keyLength"/> 0 when it has none).
    /// </summary>
    public static ByteString Receive(ByteString state, ByteString message, Span<byte> key, out int keyLength, SpqrStateCache.Slot? cache = null)
    {
        keyLength = 0;
        SpqrVersion? theirs = MessageVersion(message.Span);
        if (theirs is not SpqrVersion messageVersion)
        {
            // A version above ours: keep speaking ours, as libsignal does.
            return state;
        }

        if (cache is null || !cache.TryGet(state, out SpqrState current, out Braid? braid, out SpqrChain? cachedChain))
        {
            current = DecodeState(state);
            braid = null;
            cachedChain = null;
        }

        bool chainKept = false;
        SpqrChain? chain = cachedChain;
        try
        {
            SpqrVersion ours = current.InnerCase == SpqrState.InnerOneofCase.V1 ? SpqrVersion.V1 : SpqrVersion.Disabled;
            if (messageVersion < ours)
            {
                SpqrState.Types.Negotiation negotiation = current.Negotiation
                    ?? ThrowHelper.Protocol<SpqrState.Types.Negotiation>(ProtocolErrorKind.InvalidMessage, "The peer's SPQR version is below the one this session settled on.");
                if (messageVersion < negotiation.MinVersion)
                {
                    ThrowHelper.Protocol(ProtocolErrorKind.InvalidMessage, "The peer's SPQR version is below the minimum this session requires.");
                }

                // Negotiating down to version 0 (the only lower version) ends SPQR for this session.
                using SpqrChain _ = ChainFrom(current);
                return ByteString.Empty;
            }

            if (current.InnerCase != SpqrState.InnerOneofCase.V1)
            {
                return ByteString.Empty;
            }

            BraidMessage braidMessage = BraidMessage.Deserialize(message.Span, out uint index);
            if (braidMessage.Epoch == 0)
            {
                ThrowHelper.Protocol(ProtocolErrorKind.InvalidMessage, "An SPQR message names epoch 0.");
            }

            BraidReceiveResult received = (braid ?? Braid.FromProto(current.V1)).Receive(braidMessage);
            chain ??= ChainFrom(current);
            if (received.Secret is { } secret)
            {
                chain.AddEpoch(secret.Epoch, secret.Secret);
            }

            ulong keyEpoch = braidMessage.Epoch - 1;
            if (keyEpoch != 0 || index != 0)
            {
                byte[] receiveKey = chain.ReceiveKey(keyEpoch, index);
                try
                {
                    receiveKey.CopyTo(key);
                    keyLength = receiveKey.Length;
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(receiveKey);
                }
            }

            var next = new SpqrState
            {
                Negotiation = null, // receiving ends the negotiation
                Chain = chain.ToProto(),
                V1 = received.Next.ToProto(),
            };
            ByteString nextBytes = next.ToByteString();
            if (cache is not null)
            {
                cache.Remember(nextBytes, next, received.Next, chain);
                chainKept = true;
            }

            return nextBytes;
        }
        finally
        {
            if (!chainKept)
            {
                chain?.Dispose();
            }
        }
    }

    private static SpqrChain ChainFrom(SpqrState state) =>
        state.Chain is not null
            ? SpqrChain.FromProto(state.Chain)
            : state.Negotiation is { } negotiation
                ? ChainFromNegotiation(negotiation)
                : ThrowHelper.Protocol<SpqrChain>(ProtocolErrorKind.InvalidEncoding, "The SPQR state has neither a chain nor a negotiation to start one from.");

    private static SpqrChain ChainFromNegotiation(SpqrState.Types.Negotiation negotiation)
    {
        if (negotiation.ChainParams is null || negotiation.Direction is not (SpqrDirection.AToB or SpqrDirection.BToA))
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidEncoding, "The SPQR negotiation state is incomplete.");
        }

        return SpqrChain.Create(negotiation.AuthKey.Span, negotiation.Direction, negotiation.ChainParams);
    }

    private static SpqrVersion? MessageVersion(ReadOnlySpan<byte> message) =>
        message.IsEmpty ? SpqrVersion.Disabled
        : message[0] switch
        {
            0 => SpqrVersion.Disabled,
            Version1 => SpqrVersion.V1,
            _ => null,
        };

    private static SpqrState DecodeState(ByteString state)
    {
        if (state.IsEmpty)
        {
            return new SpqrState();
        }

        try
        {
            return SpqrState.Parser.ParseFrom(state);
        }
        catch (InvalidProtocolBufferException)
        {
            return ThrowHelper.Protocol<SpqrState>(ProtocolErrorKind.InvalidEncoding, "The stored SPQR state does not decode.");
        }
    }
}
