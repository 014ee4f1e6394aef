using System.Security.Cryptography;
using Google.Protobuf;
using PhaseProto = E2EMessaging.Protocol.Proto.Spqr.BraidState.Types.Phase.Types;

namespace E2EMessaging.Protocol.Spqr;

/// <summary>
/// The unchunked phases of the side that sends the encapsulation key in an epoch (signal.org/docs/specifications/
/// mlkembraid): sample a key pair and send its header, send the rest of the key, take in ct1, then ct2, and
/// emit the epoch's secret. Each phase is immutable; a step returns the next phase. After ct2 the roles swap:
/// this side receives the next epoch's header (<see cref="CtSenderPhase.NoHeaderReceived"/>).
/// <code>
/// KeysUnsampled ─send header─▶ HeaderSent ─send ek─▶ EkSent ─ct1─▶ EkSentCt1Received ─ct2 (secret)─▶ CtSenderPhase
/// </code>
/// </summary>
internal static class EkSenderPhase
{
    /// <summary>Bytes of the authenticated header message: the 64-byte header and its MAC.</summary>
    public const int HeaderMessageLength = IncrementalMlKem768.HeaderLength + Authenticator.MacLength;

    /// <summary>Bytes of the ciphertext message: ct2 and the MAC over ct1 || ct2.</summary>
    public const int Ciphertext2MessageLength = IncrementalMlKem768.Ciphertext2Length + Authenticator.MacLength;

    /// <summary>Nothing sampled yet for <see cref="Epoch"/>.</summary>
    internal sealed class KeysUnsampled(ulong epoch, Authenticator auth)
    {
        public ulong Epoch { get; } = epoch;

        public Authenticator Auth { get; } = auth;

        /// <summary>Samples the epoch's key pair; returns the next phase and the header message (header || MAC).</summary>
        public (HeaderSent Next, byte[] HeaderMessage) SampleKeys(IRandomSource random)
        {
            (byte[] header, byte[] ek, byte[] dk) = IncrementalMlKem768.GenerateKeys(random);
            byte[] message = [.. header, .. Auth.MacHeader(Epoch, header)];
            return (new HeaderSent(Epoch, Auth, ek, dk), message);
        }

        // Phases are immutable and shared by the successive chunked states of a phase: build the proto once.
        private PhaseProto.KeysUnsampled? _proto;

        public PhaseProto.KeysUnsampled ToProto() => _proto ??= new() { Epoch = Epoch, Auth = Auth.ToProto() };

        public static KeysUnsampled FromProto(PhaseProto.KeysUnsampled? state)
        {
            state = MalformedState.Require(state, "keys unsampled");
            return new KeysUnsampled(MalformedState.Epoch(state.Epoch), Authenticator.FromProto(state.Auth));
        }

        public override string ToString() => nameof(KeysUnsampled);
    }

    /// <summary>The key pair is sampled and its header is being sent.</summary>
    internal sealed class HeaderSent(ulong epoch, Authenticator auth, byte[] encapsulationKey, byte[] decapsulationKey)
    {
        private readonly byte[] _encapsulationKey = encapsulationKey;
        private readonly byte[] _decapsulationKey = decapsulationKey;

        public ulong Epoch { get; } = epoch;

        public Authenticator Auth { get; } = auth;

        /// <summary>Moves on to sending the encapsulation key part (ByteEncode_12(t̂), 1152 bytes), which it returns.</summary>
        public (EkSent Next, byte[] EncapsulationKey) SendEncapsulationKey() =>
            (new EkSent(Epoch, Auth, _decapsulationKey), _encapsulationKey);

        // Phases are immutable and shared by the successive chunked states of a phase: build the proto once.
        private PhaseProto.HeaderSent? _proto;

        public PhaseProto.HeaderSent ToProto() => _proto ??= new()
        {
            Epoch = Epoch,
            Auth = Auth.ToProto(),
            Ek = ByteString.CopyFrom(_encapsulationKey),
            Dk = ByteString.CopyFrom(_decapsulationKey),
        };

        public static HeaderSent FromProto(PhaseProto.HeaderSent? state)
        {
            state = MalformedState.Require(state, "header sent");
            return new HeaderSent(
                MalformedState.Epoch(state.Epoch),
                Authenticator.FromProto(state.Auth),
                MalformedState.Bytes(state.Ek, IncrementalMlKem768.EncapsulationKeyLength, "ek"),
                MalformedState.Bytes(state.Dk, IncrementalMlKem768.DecapsulationKeyLength, "dk"));
        }

        public override string ToString() => nameof(HeaderSent);
    }

    /// <summary>The encapsulation key is being sent; waiting for ct1.</summary>
    internal sealed class EkSent(ulong epoch, Authenticator auth, byte[] decapsulationKey)
    {
        private readonly byte[] _decapsulationKey = decapsulationKey;

        public ulong Epoch { get; } = epoch;

        public Authenticator Auth { get; } = auth;

        public EkSentCt1Received ReceiveCiphertext1(byte[] ciphertext1)
        {
            if (ciphertext1.Length != IncrementalMlKem768.Ciphertext1Length)
            {
                ThrowHelper.Argument(nameof(ciphertext1), "ct1 has the wrong length.");
            }

            return new EkSentCt1Received(Epoch, Auth, _decapsulationKey, ciphertext1);
        }

        // Phases are immutable and shared by the successive chunked states of a phase: build the proto once.
        private PhaseProto.EkSent? _proto;

        public PhaseProto.EkSent ToProto() => _proto ??= new()
        {
            Epoch = Epoch,
            Auth = Auth.ToProto(),
            Dk = ByteString.CopyFrom(_decapsulationKey),
        };

        public static EkSent FromProto(PhaseProto.EkSent? state)
        {
            state = MalformedState.Require(state, "ek sent");
            return new EkSent(
                MalformedState.Epoch(state.Epoch),
                Authenticator.FromProto(state.Auth),
                MalformedState.Bytes(state.Dk, IncrementalMlKem768.DecapsulationKeyLength, "dk"));
        }

        public override string ToString() => nameof(EkSent);
    }

    /// <summary>ct1 is in; waiting for ct2 and its MAC.</summary>
    internal sealed class EkSentCt1Received(ulong epoch, Authenticator auth, byte[] decapsulationKey, byte[] ciphertext1)
    {
        private readonly byte[] _decapsulationKey = decapsulationKey;
        private readonly byte[] _ciphertext1 = ciphertext1;

        public ulong Epoch { get; } = epoch;

        public Authenticator Auth { get; } = auth;

        /// <summary>
        /// Decapsulates ct1 || ct2, derives the epoch secret, mixes it into the authenticator and checks the MAC
        /// over ct1 || ct2 with the updated keys. Returns the first phase of the next epoch, in which this side
        /// receives the header, and the secret.
        /// </summary>
        /// <exception cref="ProtocolException">The MAC does not verify (<see cref="ProtocolErrorKind.InvalidMessage"/>).</exception>
        public (CtSenderPhase.NoHeaderReceived Next, BraidEpochSecret Secret) ReceiveCiphertext2(ReadOnlySpan<byte> ciphertext2Message)
        {
            if (ciphertext2Message.Length != Ciphertext2MessageLength)
            {
                ThrowHelper.Argument(nameof(ciphertext2Message), "The ct2 message has the wrong length.");
            }

            ReadOnlySpan<byte> ciphertext2 = ciphertext2Message.Slice(0, IncrementalMlKem768.Ciphertext2Length);
            ReadOnlySpan<byte> mac = ciphertext2Message.Slice(IncrementalMlKem768.Ciphertext2Length);
            Span<byte> sharedKey = stackalloc byte[IncrementalMlKem768.SharedKeyLength];
            BraidEpochSecret secret;
            try
            {
                IncrementalMlKem768.Decapsulate(_decapsulationKey, _ciphertext1, ciphertext2, sharedKey);
                secret = BraidEpochSecret.Derive(Epoch, sharedKey);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(sharedKey);
            }

            Authenticator updated = Auth.Update(Epoch, secret.Secret);
            byte[] ciphertext = [.. _ciphertext1, .. ciphertext2];
            if (!updated.VerifyCiphertext(Epoch, ciphertext, mac))
            {
                ThrowHelper.Protocol(ProtocolErrorKind.InvalidMessage, "The SPQR ciphertext MAC does not verify.");
            }

            return (new CtSenderPhase.NoHeaderReceived(BraidEpochs.Next(Epoch), updated), secret);
        }

        // Phases are immutable and shared by the successive chunked states of a phase: build the proto once.
        private PhaseProto.EkSentCt1Received? _proto;

        public PhaseProto.EkSentCt1Received ToProto() => _proto ??= new()
        {
            Epoch = Epoch,
            Auth = Auth.ToProto(),
            Dk = ByteString.CopyFrom(_decapsulationKey),
            Ct1 = ByteString.CopyFrom(_ciphertext1),
        };

        public static EkSentCt1Received FromProto(PhaseProto.EkSentCt1Received? state)
        {
            state = MalformedState.Require(state, "ek sent, ct1 received");
            return new EkSentCt1Received(
                MalformedState.Epoch(state.Epoch),
                Authenticator.FromProto(state.Auth),
                MalformedState.Bytes(state.Dk, IncrementalMlKem768.DecapsulationKeyLength, "dk"),
                MalformedState.Bytes(state.Ct1, IncrementalMlKem768.Ciphertext1Length, "ct1"));
        }

        public override string ToString() => nameof(EkSentCt1Received);
    }
}
