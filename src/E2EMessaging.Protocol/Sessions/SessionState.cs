using E2EMessaging.Protocol.Proto.Storage;

namespace E2EMessaging.Protocol.Sessions;

/// <summary>One session's ratchet state, kept in libsignal's storage shape so that it serializes without conversion.</summary>
internal sealed partial class SessionState
{
    private SessionState(SessionStructure structure)
    {
        Structure = structure;
    }

    internal SessionStructure Structure { get; }

    internal static SessionState FromStructure(SessionStructure structure) => new(structure);

    /// <summary>A deep copy to work on, so that a failed decryption leaves the stored state untouched.</summary>
    internal SessionState Clone() => new(Structure.Clone());

    /// <summary>Forgets the prekey data the initiator sends until the first reply.</summary>
    internal void ClearUnacknowledgedPreKeyMessage()
    {
        Structure.PendingPreKey = null;
        Structure.PendingKyberPreKey = null;
    }
}
