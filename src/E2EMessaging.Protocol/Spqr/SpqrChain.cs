// The symmetric part of SPQR (signal.org/docs/specifications/mlkembraid, the section on using the braid with the
// Double Ratchet): it turns the braid's epoch secrets into per-message keys, one chain per direction and epoch.
// State-compatible with the SparsePostQuantumRatchet crate v1.5.3 (src/chain.rs, read for facts only):
//
//  * Start: HKDF-SHA256(salt = 32 zero bytes, ikm = auth key, info = "Signal PQ Ratchet V1 Chain  Start" — two
//    spaces —, 96 bytes) = next root ‖ A→B chain key ‖ B→A chain key. That is epoch 0.
//  * Epoch n > 0: HKDF-SHA256(salt = next root, ikm = epoch secret n, info = "Signal PQ Ratchet V1 Chain Add Epoch",
//    96 bytes), split the same way.
//  * A party sends on the chain named by its own direction and receives on the other one (see SpqrKeyChain for
//    the per-message step).
//  * Epochs are kept from one before the current sending epoch onwards; moving the sending epoch forward drops the
//    older ones and forgets the sending chain keys of the epochs before it.
using System.Security.Cryptography;
using E2EMessaging.Protocol.Crypto;
using E2EMessaging.Protocol.Proto.Spqr;
using Google.Protobuf;

namespace E2EMessaging.Protocol.Spqr;

/// <summary>
/// SPQR's key chain: per-message keys for both directions of every epoch the ML-KEM Braid has agreed on.
/// Serializes to <see cref="ChainState"/> with the contents SPQR v1.5.3 writes, so the chain inside a libsignal
/// session record reads here and the other way round.
/// </summary>
/// <remarks>
/// <para>Epoch 0 is derived from the auth key alone; epoch n is added by <see cref="AddEpoch"/> with the braid's
/// n-th secret. Within each epoch and direction, keys are numbered from 1; index 0 never has a key. (SPQR's top
/// level puts index 0 in a message of chain epoch 0 to mean "no SPQR key" — in the message, the braid's epoch is
/// one more than the chain epoch used here — and does not ask the chain for it; the chain itself refuses index 0
/// as already used.)</para>
/// <para>Every refusal is a <see cref="ProtocolException"/> and leaves the chain as it was. Callers that must not
/// change state before a message is verified work on a <see cref="Clone"/> and keep it only on success.
/// <see cref="Dispose"/> wipes the chain keys.</para>
/// <para>Error kinds: a key already used or dropped as too old is <see cref="ProtocolErrorKind.DuplicateMessage"/>,
/// a key too far ahead <see cref="ProtocolErrorKind.MessageTooFarAhead"/>, a malformed stored state
/// <see cref="ProtocolErrorKind.InvalidEncoding"/>, anything else (an epoch out of range or out of sequence, a
/// sending epoch that goes back, an exhausted chain) <see cref="ProtocolErrorKind.InvalidMessage"/>. libsignal
/// itself reports every SPQR failure as InvalidMessage except a state that does not decode (InvalidState).</para>
/// </remarks>
internal sealed class SpqrChain : IDisposable
{
    /// <summary>Length of chain keys, message keys and the root.</summary>
    public const int KeyLength = 32;

    private static ReadOnlySpan<byte> StartLabel => "Signal PQ Ratchet V1 Chain  Start"u8;

    private static ReadOnlySpan<byte> AddEpochLabel => "Signal PQ Ratchet V1 Chain Add Epoch"u8;

    private static readonly byte[] s_zeroSalt = new byte[KeyLength];

    private readonly SpqrDirection _direction;
    private readonly ChainParameters _parameters;
    private readonly SpqrChainLimits _limits;

    // _links[i] is epoch _currentEpoch - (_links.Count - 1 - i).
    private readonly List<Link> _links;
    private readonly byte[] _nextRoot;
    private ulong _currentEpoch;
    private ulong _sendEpoch;
    private bool _disposed;

    private SpqrChain(SpqrDirection direction, ChainParameters parameters, List<Link> links, byte[] nextRoot, ulong currentEpoch, ulong sendEpoch)
    {
        _direction = direction;
        _parameters = parameters;
        _limits = SpqrChainLimits.From(parameters);
        _links = links;
        _nextRoot = nextRoot;
        _currentEpoch = currentEpoch;
        _sendEpoch = sendEpoch;
    }

    /// <summary>HKDF salt of the start and of every chain step: HashLen zero bytes.</summary>
    internal static ReadOnlySpan<byte> ZeroSalt => s_zeroSalt;

    /// <summary>The latest epoch (0 until the first <see cref="AddEpoch"/>).</summary>
    public ulong CurrentEpoch => _currentEpoch;

    /// <summary>The epoch of the last <see cref="SendKey"/> (0 before the first).</summary>
    public ulong SendEpoch => _sendEpoch;

    /// <summary>
    /// A new chain at epoch 0. Both parties start from the same <paramref name="authKey"/> with opposite
    /// directions: A→B sends on the A→B chain and receives on the B→A chain, and the other way round.
    /// </summary>
    /// <param name="authKey">The session's SPQR auth key (any length; libsignal's is 32 bytes).</param>
    /// <param name="direction">This party's direction.</param>
    /// <param name="parameters">
    /// <c>max_jump</c> and <c>max_ooo_keys</c>; 0 means the default (25,000 and 2,000). Stored as SPQR stores them:
    /// a value equal to its default is written as 0.
    /// </param>
    public static SpqrChain Create(ReadOnlySpan<byte> authKey, SpqrDirection direction, ChainParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!IsDefined(direction))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(direction), "Unknown SPQR direction.");
        }

        if (parameters.MaxOooKeys > Limits.SpqrMaxOutOfOrderKeysAccepted)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(parameters), $"max_ooo_keys may be at most {Limits.SpqrMaxOutOfOrderKeysAccepted}.");
        }

        var nextRoot = new byte[KeyLength];
        Link first = DeriveEpoch(ZeroSalt, authKey, StartLabel, direction, nextRoot);
        return new SpqrChain(direction, SpqrChainLimits.Normalize(parameters), [first], nextRoot, currentEpoch: 0, sendEpoch: 0);
    }

    /// <summary>
    /// Reads a stored chain. Anything SPQR v1.5.3 could not have written — an unknown direction, missing
    /// parameters or epochs, keys of the wrong length, more epochs than exist, a send epoch past the current one,
    /// kept keys that are not whole entries, not below their chain's counter, repeated, or more than the chain
    /// keeps — is a <see cref="ProtocolException"/> (<see cref="ProtocolErrorKind.InvalidEncoding"/>).
    /// </summary>
    public static SpqrChain FromProto(ChainState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!IsDefined(state.Direction))
        {
            return Malformed("Unknown SPQR chain direction.");
        }

        if (state.Params is null)
        {
            return Malformed("An SPQR chain lacks its parameters.");
        }

        if (state.Params.MaxOooKeys > Limits.SpqrMaxOutOfOrderKeysAccepted)
        {
            return Malformed("An SPQR chain keeps implausibly many out-of-order keys.");
        }

        if (state.NextRoot.Length != KeyLength)
        {
            return Malformed("An SPQR chain root has the wrong length.");
        }

        if (state.Links.Count == 0 || (ulong)(state.Links.Count - 1) > state.CurrentEpoch)
        {
            return Malformed("An SPQR chain has an impossible number of epochs.");
        }

        if (state.SendEpoch > state.CurrentEpoch)
        {
            return Malformed("An SPQR chain sends in an epoch it does not have.");
        }

        ChainParameters parameters = state.Params.Clone();
        SpqrChainLimits limits = SpqrChainLimits.From(parameters);
        var links = new List<Link>(state.Links.Count);
        try
        {
            foreach (ChainState.Types.Epoch epoch in state.Links)
            {
                SpqrKeyChain send = SpqrKeyChain.FromProto(epoch.Send, receiving: false, limits);
                try
                {
                    links.Add(new Link(send, SpqrKeyChain.FromProto(epoch.Recv, receiving: true, limits)));
                }
                catch
                {
                    send.Dispose();
                    throw;
                }
            }
        }
        catch
        {
            foreach (Link link in links)
            {
                link.Dispose();
            }

            throw;
        }

        return new SpqrChain(state.Direction, parameters, links, state.NextRoot.ToByteArray(), state.CurrentEpoch, state.SendEpoch);
    }

    /// <summary>The chain as SPQR v1.5.3 stores it.</summary>
    public ChainState ToProto()
    {
        ThrowIfDisposed();
        var state = new ChainState
        {
            Direction = _direction,
            CurrentEpoch = _currentEpoch,
            NextRoot = ByteString.CopyFrom(_nextRoot),
            SendEpoch = _sendEpoch,
            Params = _parameters.Clone(),
        };
        foreach (Link link in _links)
        {
            state.Links.Add(new ChainState.Types.Epoch { Send = link.Send.ToProto(), Recv = link.Receive.ToProto() });
        }

        return state;
    }

    /// <summary>
    /// Adds the braid's secret for <paramref name="epoch"/>, which must be <see cref="CurrentEpoch"/> + 1
    /// (otherwise <see cref="ProtocolErrorKind.InvalidMessage"/>; SPQR asserts it). Earlier epochs stay until
    /// <see cref="SendKey"/> moves past them.
    /// </summary>
    public void AddEpoch(ulong epoch, ReadOnlySpan<byte> secret)
    {
        ThrowIfDisposed();
        if (_currentEpoch == ulong.MaxValue || epoch != _currentEpoch + 1)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidMessage, $"SPQR epoch {epoch} does not follow epoch {_currentEpoch}.");
        }

        Span<byte> salt = stackalloc byte[KeyLength];
        try
        {
            _nextRoot.CopyTo(salt);
            _links.Add(DeriveEpoch(salt, secret, AddEpochLabel, _direction, _nextRoot));
            _currentEpoch = epoch;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(salt);
        }
    }

    /// <summary>
    /// The next sending key of <paramref name="epoch"/> and its index (1 for the first key of each epoch, counting
    /// up). SPQR's top level sends with the braid's epoch of the message minus one, i.e. the latest epoch this
    /// party knows. The epoch must be present and not before <see cref="SendEpoch"/> (otherwise
    /// <see cref="ProtocolErrorKind.InvalidMessage"/>). Moving to a later epoch makes it the send epoch, drops all
    /// epochs but the one before it, and forgets the sending chain keys of the epochs before it.
    /// </summary>
    public (uint Index, byte[] Key) SendKey(ulong epoch)
    {
        ThrowIfDisposed();
        if (epoch < _sendEpoch)
        {
            return ThrowHelper.Protocol<(uint, byte[])>(ProtocolErrorKind.InvalidMessage, $"The SPQR send epoch would go back from {_sendEpoch} to {epoch}.");
        }

        int position = LinkPosition(epoch);
        SpqrKeyChain chain = _links[position].Send;
        if (!chain.CanAdvance)
        {
            return ThrowHelper.Protocol<(uint, byte[])>(ProtocolErrorKind.InvalidMessage, $"The SPQR sending chain of epoch {epoch} is exhausted.");
        }

        if (epoch != _sendEpoch)
        {
            _sendEpoch = epoch;
            while (position > Limits.SpqrEpochsKeptBeforeSendEpoch)
            {
                _links[0].Dispose();
                _links.RemoveAt(0);
                position--;
            }

            for (int i = 0; i < position; i++)
            {
                _links[i].Send.ClearNext();
            }
        }

        return chain.NextKey();
    }

    /// <summary>
    /// The key of the peer's message <paramref name="index"/> in <paramref name="epoch"/>: the epoch must be
    /// present (otherwise <see cref="ProtocolErrorKind.InvalidMessage"/>); within it, see
    /// <see cref="SpqrKeyChain.KeyAt"/> — at most <c>max_jump</c> ahead (exactly max_jump is accepted), out of order
    /// back to <c>max_ooo_keys</c> behind, each key once.
    /// </summary>
    public byte[] ReceiveKey(ulong epoch, uint index)
    {
        ThrowIfDisposed();
        return _links[LinkPosition(epoch)].Receive.KeyAt(index, _limits);
    }

    /// <summary>A deep copy; disposing either leaves the other intact.</summary>
    public SpqrChain Clone()
    {
        ThrowIfDisposed();
        var links = new List<Link>(_links.Count);
        foreach (Link link in _links)
        {
            links.Add(new Link(link.Send.Clone(), link.Receive.Clone()));
        }

        return new SpqrChain(_direction, _parameters.Clone(), links, (byte[])_nextRoot.Clone(), _currentEpoch, _sendEpoch);
    }

    /// <summary>Wipes the root and every chain and kept key.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        CryptographicOperations.ZeroMemory(_nextRoot);
        foreach (Link link in _links)
        {
            link.Dispose();
        }

        _links.Clear();
    }

    private static bool IsDefined(SpqrDirection direction) =>
        direction is SpqrDirection.AToB or SpqrDirection.BToA;

    private static SpqrChain Malformed(string message) =>
        ThrowHelper.Protocol<SpqrChain>(ProtocolErrorKind.InvalidEncoding, message);

    /// <summary>Derives an epoch's root and chain keys; writes the new root into <paramref name="nextRoot"/>.</summary>
    private static Link DeriveEpoch(ReadOnlySpan<byte> salt, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> label, SpqrDirection direction, Span<byte> nextRoot)
    {
        Span<byte> output = stackalloc byte[3 * KeyLength];
        try
        {
            Kdf.Hkdf(secret, salt, label, output);
            ReadOnlySpan<byte> aToB = output.Slice(KeyLength, KeyLength);
            ReadOnlySpan<byte> bToA = output.Slice(2 * KeyLength, KeyLength);
            bool isA = direction == SpqrDirection.AToB;
            var link = new Link(SpqrKeyChain.Create(isA ? aToB : bToA), SpqrKeyChain.Create(isA ? bToA : aToB));
            output[..KeyLength].CopyTo(nextRoot);
            return link;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(output);
        }
    }

    private int LinkPosition(ulong epoch)
    {
        if (epoch > _currentEpoch || _currentEpoch - epoch >= (ulong)_links.Count)
        {
            return ThrowHelper.Protocol<int>(ProtocolErrorKind.InvalidMessage, $"SPQR epoch {epoch} is not in the chain (current epoch {_currentEpoch}).");
        }

        return _links.Count - 1 - (int)(_currentEpoch - epoch);
    }

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            ThrowHelper.ObjectDisposed(this);
        }
    }

    /// <summary>One epoch: this party's sending chain and its receiving chain.</summary>
    private sealed class Link(SpqrKeyChain send, SpqrKeyChain receive) : IDisposable
    {
        public SpqrKeyChain Send { get; } = send;

        public SpqrKeyChain Receive { get; } = receive;

        public void Dispose()
        {
            Send.Dispose();
            Receive.Dispose();
        }
    }
}
