using E2EMessaging.Protocol.Proto.Storage;
using Google.Protobuf;

namespace E2EMessaging.Protocol.Sessions;

/// <summary>
/// Everything this device keeps about its 1:1 session with one address: the current session state and up to
/// 40 archived ones (a peer may still send on an older session after a reinstall or a simultaneous start).
/// Serializes in libsignal's <c>RecordStructure</c> format. Hosts store it as opaque bytes through
/// <see cref="Storage.ISessionStore"/>; its contents are secret.
/// </summary>
public sealed class SessionRecord
{
    private SessionRecord(SessionState? current, List<ByteString> previous)
    {
        Current = current;
        Previous = previous;
    }

    /// <summary>The state new messages are encrypted with, or null when the record holds only archived states.</summary>
    internal SessionState? Current { get; set; }

    /// <summary>Archived states, serialized, newest first (libsignal keeps them serialized too).</summary>
    internal List<ByteString> Previous { get; }

    /// <summary>Whether there is a current session state.</summary>
    public bool HasCurrentState => Current is not null;

    internal static SessionRecord Empty() => new(null, []);

    /// <summary>Reads libsignal's <c>RecordStructure</c>.</summary>
    /// <exception cref="ProtocolException">Not a valid record, or larger than <see cref="Limits.MaxSessionRecordLength"/>.</exception>
    public static SessionRecord Deserialize(ReadOnlySpan<byte> serialized)
    {
        RecordStructure record = ProtobufReader.Parse(RecordStructure.Parser, serialized, "session record", Limits.MaxSessionRecordLength);
        SessionState? current = record.CurrentSession is null ? null : SessionState.FromStructure(record.CurrentSession);
        if (record.PreviousSessions.Count > Limits.MaxArchivedStates)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidEncoding, $"A session record holds at most {Limits.MaxArchivedStates} archived states; this one has {record.PreviousSessions.Count}.");
        }

        return new SessionRecord(current, [.. record.PreviousSessions]);
    }

    /// <summary>libsignal's <c>RecordStructure</c>.</summary>
    public byte[] Serialize()
    {
        var record = new RecordStructure { CurrentSession = Current?.Structure };
        record.PreviousSessions.AddRange(Previous);
        return record.ToByteArray();
    }

    /// <summary>
    /// Moves the current state to the front of the archive (dropping the oldest beyond 40), so that the next
    /// message starts a new session while late messages on this one still decrypt.
    /// </summary>
    public void ArchiveCurrentState()
    {
        if (Current is null)
        {
            return;
        }

        Current.ClearUnacknowledgedPreKeyMessage();
        Previous.Insert(0, Current.Structure.ToByteString());
        Current = null;
        if (Previous.Count > Limits.MaxArchivedStates)
        {
            Previous.RemoveRange(Limits.MaxArchivedStates, Previous.Count - Limits.MaxArchivedStates);
        }
    }

    /// <summary>
    /// When a state with this version and initiator base key exists (a repeated prekey message for a session
    /// already started), makes it current and returns true.
    /// </summary>
    internal bool PromoteMatchingState(uint version, Keys.PublicKey baseKey)
    {
        ReadOnlySpan<byte> wanted = baseKey.SerializedSpan;
        if (Current is not null && Current.Version == version && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(Current.AliceBaseKey.Span, wanted))
        {
            return true;
        }

        for (int i = 0; i < Previous.Count; i++)
        {
            SessionState? previous = TryReadPrevious(i);
            if (previous is not null && previous.Version == version && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(previous.AliceBaseKey.Span, wanted))
            {
                PromotePrevious(i, previous);
                return true;
            }
        }

        return false;
    }

    /// <summary>The archived state at <paramref name="index"/>, or null when it does not parse (it is then skipped, as libsignal skips it).</summary>
    internal SessionState? TryReadPrevious(int index)
    {
        try
        {
            return SessionState.FromStructure(SessionStructure.Parser.ParseFrom(Previous[index]));
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    /// <summary>Removes the archived state at <paramref name="index"/> and makes <paramref name="updated"/> (its updated copy) current.</summary>
    internal void PromotePrevious(int index, SessionState updated)
    {
        Previous.RemoveAt(index);
        PromoteState(updated);
    }

    /// <summary>Makes <paramref name="state"/> current, archiving the state it replaces.</summary>
    internal void PromoteState(SessionState state)
    {
        ArchiveCurrentState();
        Current = state;
    }

    /// <summary>The type name only: a record's contents are secret.</summary>
    public override string ToString() => nameof(SessionRecord);
}
