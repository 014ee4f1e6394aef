using E2EMessaging.Protocol.Proto.Storage;
using Google.Protobuf;

namespace E2EMessaging.Protocol.Groups;

/// <summary>
/// Everything this device keeps about one sender's key in one group (distribution): up to five sender-key
/// states, newest first. Serializes in libsignal's <c>SenderKeyRecordStructure</c>. Its contents are secret.
/// </summary>
public sealed class SenderKeyRecord
{
    private readonly SenderKeyRecordStructure _structure;

    private SenderKeyRecord(SenderKeyRecordStructure structure)
    {
        _structure = structure;
    }

    internal IList<SenderKeyStateStructure> States => _structure.SenderKeyStates;

    internal static SenderKeyRecord Empty() => new(new SenderKeyRecordStructure());

    /// <summary>Reads libsignal's <c>SenderKeyRecordStructure</c>.</summary>
    /// <exception cref="ProtocolException">Not a valid record.</exception>
    public static SenderKeyRecord Deserialize(ReadOnlySpan<byte> serialized)
    {
        SenderKeyRecordStructure structure = ProtobufReader.Parse(SenderKeyRecordStructure.Parser, serialized, "sender key record", Limits.MaxSessionRecordLength);
        if (structure.SenderKeyStates.Count > Limits.MaxSenderKeyStates)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidEncoding, $"A sender key record holds at most {Limits.MaxSenderKeyStates} states; this one has {structure.SenderKeyStates.Count}.");
        }

        return new SenderKeyRecord(structure);
    }

    /// <summary>libsignal's <c>SenderKeyRecordStructure</c>.</summary>
    public byte[] Serialize() => _structure.ToByteArray();

    /// <summary>A deep copy to work on, so that a failed decryption leaves the stored record untouched.</summary>
    internal SenderKeyRecord Clone() => new(_structure.Clone());

    /// <summary>The index of the state with <paramref name="chainId"/>, or -1.</summary>
    internal int FindState(uint chainId)
    {
        for (int i = 0; i < States.Count; i++)
        {
            if (States[i].ChainId == chainId)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Adds a state at the front, as libsignal does: a state with the same chain id and signing key is kept (moved to
    /// the front, with its progress); one with the same chain id but another key is dropped; the oldest beyond five go.
    /// </summary>
    internal void AddState(SenderKeyStateStructure state)
    {
        SenderKeyStateStructure? existing = null;
        for (int i = 0; i < States.Count; i++)
        {
            SenderKeyStateStructure candidate = States[i];
            if (candidate.ChainId == state.ChainId && candidate.SenderSigningKey is not null && candidate.SenderSigningKey.Public.Equals(state.SenderSigningKey.Public))
            {
                existing = candidate;
                States.RemoveAt(i);
                break;
            }
        }

        for (int i = States.Count - 1; i >= 0; i--)
        {
            if (States[i].ChainId == state.ChainId)
            {
                States.RemoveAt(i);
            }
        }

        while (States.Count >= Limits.MaxSenderKeyStates)
        {
            States.RemoveAt(States.Count - 1);
        }

        States.Insert(0, existing ?? state);
    }

    /// <summary>The type name only: a record's contents are secret.</summary>
    public override string ToString() => nameof(SenderKeyRecord);
}
