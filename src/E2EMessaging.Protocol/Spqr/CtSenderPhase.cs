using System.Security.Cryptography;
using Google.Protobuf;
using PhaseProto = E2EMessaging.Protocol.Proto.Spqr.BraidState.Types.Phase.Types;

namespace E2EMessaging.Protocol.Spqr;

/// <summary>
/// The unchunked phases of the side that sends the ciphertext in an epoch (signal.org/docs/specifications/
/// mlkembraid): receive and check the header, encapsulate its first half (which yields the epoch's secret) and
/// send ct1, receive the rest of the encapsulation key and check it against the header, send ct2 with its MAC,
/// and once the peer shows it reached the next epoch, swap roles (<see cref="EkSenderPhase.KeysUnsampled"/>).
/// <code>
/// NoHeaderReceived ─header─▶ HeaderReceived ─send ct1 (secret)─▶ Ct1Sent ─ek─▶ Ct1SentEkReceived ─send ct2─▶ Ct2Sent ─next epoch─▶ EkSenderPhase
/// </code>
/// </summary>
internal static class CtSenderPhase
{
    /// <summary>Waiting for the header of <see cref="Epoch"/>.</summary>
    internal sealed class NoHeaderReceived(ulong epoch, Authenticator auth)
    {
        public ulong Epoch { get; } = epoch;

        public Authenticator Auth { get; } = auth;

        /// <summary>Checks the header's MAC and keeps the header.</summary>
        /// <exception cref="ProtocolException">The MAC does not verify (<see cref="ProtocolErrorKind.InvalidMessage"/>).</exception>
        public HeaderReceived ReceiveHeader(ReadOnlySpan<byte> headerMessage)
        {
            if (headerMessage.Length != EkSenderPhase.HeaderMessageLength)
            {
                ThrowHelper.Argument(nameof(headerMessage), "The header message has the wrong length.");
            }

            ReadOnlySpan<byte> header = headerMessage.Slice(0, IncrementalMlKem768.HeaderLength);
            if (!Auth.VerifyHeader(Epoch, header, headerMessage.Slice(IncrementalMlKem768.HeaderLength)))
            {
                ThrowHelper.Protocol(ProtocolErrorKind.InvalidMessage, "The SPQR header MAC does not verify.");
            }

            return new HeaderReceived(Epoch, Auth, header.ToArray());
        }

        // Phases are immutable and shared by the successive chunked states of a phase: build the proto once.
        private PhaseProto.NoHeaderReceived? _proto;

        public PhaseProto.NoHeaderReceived ToProto() => _proto ??= new() { Epoch = Epoch, Auth = Auth.ToProto() };

        public static NoHeaderReceived FromProto(PhaseProto.NoHeaderReceived? state)
        {
            state = MalformedState.Require(state, "no header received");
            return new NoHeaderReceived(MalformedState.Epoch(state.Epoch), Authenticator.FromProto(state.Auth));
        }

        public override string ToString() => nameof(NoHeaderReceived);
    }

    /// <summary>The header is in; the first half of the encapsulation comes next.</summary>
    internal sealed class HeaderReceived(ulong epoch, Authenticator auth, byte[] header)
    {
        private readonly byte[] _header = header;

        public ulong Epoch { get; } = epoch;

        public Authenticator Auth { get; } = auth;

        /// <summary>
        /// Encapsulates against the header, derives the epoch secret and mixes it into the authenticator.
        /// Returns the next phase, ct1 and the secret.
        /// </summary>
        public (Ct1Sent Next, byte[] Ciphertext1, BraidEpochSecret Secret) SendCiphertext1(IRandomSource random)
        {
            Span<byte> sharedKey = stackalloc byte[IncrementalMlKem768.SharedKeyLength];
            try
            {
                (byte[] ciphertext1, byte[] state) = IncrementalMlKem768.Encapsulate1(_header, random, sharedKey);
                BraidEpochSecret secret = BraidEpochSecret.Derive(Epoch, sharedKey);
                Authenticator updated = Auth.Update(Epoch, secret.Secret);
                return (new Ct1Sent(Epoch, updated, _header, state, ciphertext1), ciphertext1, secret);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(sharedKey);
            }
        }

        // Phases are immutable and shared by the successive chunked states of a phase: build the proto once.
        private PhaseProto.HeaderReceived? _proto;

        public PhaseProto.HeaderReceived ToProto() => _proto ??= new()
        {
            Epoch = Epoch,
            Auth = Auth.ToProto(),
            Hdr = ByteString.CopyFrom(_header),
        };

        public static HeaderReceived FromProto(PhaseProto.HeaderReceived? state)
        {
            state = MalformedState.Require(state, "header received");
            return new HeaderReceived(
                MalformedState.Epoch(state.Epoch),
                Authenticator.FromProto(state.Auth),
                MalformedState.Bytes(state.Hdr, IncrementalMlKem768.HeaderLength, "hdr"));
        }

        public override string ToString() => nameof(HeaderReceived);
    }

    /// <summary>ct1 is made (and being sent); waiting for the rest of the encapsulation key.</summary>
    internal sealed class Ct1Sent(ulong epoch, Authenticator auth, byte[] header, byte[] encapsulationState, byte[] ciphertext1)
    {
        private readonly byte[] _header = header;
        private readonly byte[] _encapsulationState = encapsulationState;
        private readonly byte[] _ciphertext1 = ciphertext1;

        public ulong Epoch { get; } = epoch;

        public Authenticator Auth { get; } = auth;

        /// <summary>Takes the encapsulation key part after checking it against the header.</summary>
        /// <exception cref="ProtocolException">It does not match (<see cref="ProtocolErrorKind.InvalidMessage"/>).</exception>
        public Ct1SentEkReceived ReceiveEncapsulationKey(byte[] encapsulationKey)
        {
            if (!IncrementalMlKem768.EncapsulationKeyMatchesHeader(encapsulationKey, _header))
            {
                ThrowHelper.Protocol(ProtocolErrorKind.InvalidMessage, "The SPQR encapsulation key does not match its header.");
            }

            return new Ct1SentEkReceived(Epoch, Auth, _encapsulationState, encapsulationKey, _ciphertext1);
        }

        // Phases are immutable and shared by the successive chunked states of a phase: build the proto once.
        private PhaseProto.Ct1Sent? _proto;

        public PhaseProto.Ct1Sent ToProto() => _proto ??= new()
        {
            Epoch = Epoch,
            Auth = Auth.ToProto(),
            Hdr = ByteString.CopyFrom(_header),
            Es = ByteString.CopyFrom(_encapsulationState),
            Ct1 = ByteString.CopyFrom(_ciphertext1),
        };

        public static Ct1Sent FromProto(PhaseProto.Ct1Sent? state)
        {
            state = MalformedState.Require(state, "ct1 sent");
            return new Ct1Sent(
                MalformedState.Epoch(state.Epoch),
                Authenticator.FromProto(state.Auth),
                MalformedState.Bytes(state.Hdr, IncrementalMlKem768.HeaderLength, "hdr"),
                MalformedState.Bytes(state.Es, IncrementalMlKem768.EncapsulationStateLength, "es"),
                MalformedState.Bytes(state.Ct1, IncrementalMlKem768.Ciphertext1Length, "ct1"));
        }

        public override string ToString() => nameof(Ct1Sent);
    }

    /// <summary>ct1 is made and the encapsulation key is in; ct2 comes next.</summary>
    internal sealed class Ct1SentEkReceived(ulong epoch, Authenticator auth, byte[] encapsulationState, byte[] encapsulationKey, byte[] ciphertext1)
    {
        private readonly byte[] _encapsulationState = encapsulationState;
        private readonly byte[] _encapsulationKey = encapsulationKey;
        private readonly byte[] _ciphertext1 = ciphertext1;

        public ulong Epoch { get; } = epoch;

        public Authenticator Auth { get; } = auth;

        /// <summary>Finishes the encapsulation; returns the next phase and the ct2 message (ct2 || MAC over ct1 || ct2).</summary>
        public (Ct2Sent Next, byte[] Ciphertext2Message) SendCiphertext2()
        {
            byte[] ciphertext2 = IncrementalMlKem768.Encapsulate2(_encapsulationKey, _encapsulationState);
            byte[] mac = Auth.MacCiphertext(Epoch, [.. _ciphertext1, .. ciphertext2]);
            return (new Ct2Sent(Epoch, Auth), [.. ciphertext2, .. mac]);
        }

        // Phases are immutable and shared by the successive chunked states of a phase: build the proto once.
        private PhaseProto.Ct1SentEkReceived? _proto;

        public PhaseProto.Ct1SentEkReceived ToProto() => _proto ??= new()
        {
            Epoch = Epoch,
            Auth = Auth.ToProto(),
            Es = ByteString.CopyFrom(_encapsulationState),
            Ek = ByteString.CopyFrom(_encapsulationKey),
            Ct1 = ByteString.CopyFrom(_ciphertext1),
        };

        /// <remarks>Besides the lengths, the key must pass the FIPS 203 modulus check, as it did when it was received.</remarks>
        public static Ct1SentEkReceived FromProto(PhaseProto.Ct1SentEkReceived? state)
        {
            state = MalformedState.Require(state, "ct1 sent, ek received");
            byte[] encapsulationKey = MalformedState.Bytes(state.Ek, IncrementalMlKem768.EncapsulationKeyLength, "ek");
            MalformedState.ThrowUnless(Kem.MlKemEncoding.IsReduced12(encapsulationKey), "ek");
            return new Ct1SentEkReceived(
                MalformedState.Epoch(state.Epoch),
                Authenticator.FromProto(state.Auth),
                MalformedState.Bytes(state.Es, IncrementalMlKem768.EncapsulationStateLength, "es"),
                encapsulationKey,
                MalformedState.Bytes(state.Ct1, IncrementalMlKem768.Ciphertext1Length, "ct1"));
        }

        public override string ToString() => nameof(Ct1SentEkReceived);
    }

    /// <summary>ct2 is made (and being sent); waiting for a message from the peer's next epoch.</summary>
    internal sealed class Ct2Sent(ulong epoch, Authenticator auth)
    {
        public ulong Epoch { get; } = epoch;

        public Authenticator Auth { get; } = auth;

        /// <summary>The peer has moved on: this side now samples keys for the next epoch.</summary>
        public EkSenderPhase.KeysUnsampled NextEpoch() => new(BraidEpochs.Next(Epoch), Auth);

        // Phases are immutable and shared by the successive chunked states of a phase: build the proto once.
        private PhaseProto.Ct2Sent? _proto;

        public PhaseProto.Ct2Sent ToProto() => _proto ??= new() { Epoch = Epoch, Auth = Auth.ToProto() };

        public static Ct2Sent FromProto(PhaseProto.Ct2Sent? state)
        {
            state = MalformedState.Require(state, "ct2 sent");
            return new Ct2Sent(MalformedState.Epoch(state.Epoch), Authenticator.FromProto(state.Auth));
        }

        public override string ToString() => nameof(Ct2Sent);
    }
}
