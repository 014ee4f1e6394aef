namespace E2EMessaging.Protocol.Spqr;

/// <summary>Epoch arithmetic of the braid: epochs start at 1 and only ever grow by one.</summary>
internal static class BraidEpochs
{
    /// <summary>The first epoch of both parties.</summary>
    public const ulong First = 1;

    /// <summary>
    /// The epoch after <paramref name="epoch"/>. 2^64 - 1 epochs cannot be reached by honest use (each takes a
    /// round trip of several messages); a state claiming the last one ends with a protocol error, not a wrap.
    /// </summary>
    public static ulong Next(ulong epoch)
    {
        if (epoch == ulong.MaxValue)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidMessage, "The SPQR epoch counter is exhausted.");
        }

        return epoch + 1;
    }
}
