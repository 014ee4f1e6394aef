using E2EMessaging.Protocol.Proto.Spqr;

namespace E2EMessaging.Protocol.Spqr;

/// <summary>
/// The effective limits of an SPQR chain, read from its <see cref="ChainParameters"/>. The stored parameters use 0
/// for "the library default" (SPQR v1.5.3 writes 0 whenever a value equals its default), so the stored form is
/// kept as it is for serialization and this struct holds the numbers the chain works with.
/// </summary>
internal readonly struct SpqrChainLimits
{
    private SpqrChainLimits(uint maxJump, uint maxOutOfOrderKeys)
    {
        MaxJump = maxJump;
        MaxOutOfOrderKeys = maxOutOfOrderKeys;
    }

    /// <summary>A key more than this far ahead of a chain's counter is refused.</summary>
    public uint MaxJump { get; }

    /// <summary>Keys at least this far behind a chain's counter are kept for out-of-order arrivals; older ones are dropped.</summary>
    public uint MaxOutOfOrderKeys { get; }

    /// <summary>
    /// Kept keys per chain at which the chain drops those older than <see cref="MaxOutOfOrderKeys"/>:
    /// 10% above that number plus one (SPQR v1.5.3), so trimming is an occasional O(n) pass rather than one per key.
    /// It is also the most keys a well-formed state can hold.
    /// </summary>
    public ulong TrimThreshold => ((ulong)MaxOutOfOrderKeys * 11 / 10) + 1;

    public static SpqrChainLimits From(ChainParameters parameters) => new(
        parameters.MaxJump == 0 ? Limits.SpqrDefaultMaxJump : parameters.MaxJump,
        parameters.MaxOooKeys == 0 ? Limits.SpqrDefaultMaxOutOfOrderKeys : parameters.MaxOooKeys);

    /// <summary>The stored form of <paramref name="parameters"/>: each value equal to the default becomes 0, as SPQR v1.5.3 stores it.</summary>
    public static ChainParameters Normalize(ChainParameters parameters) => new()
    {
        MaxJump = parameters.MaxJump == Limits.SpqrDefaultMaxJump ? 0 : parameters.MaxJump,
        MaxOooKeys = parameters.MaxOooKeys == Limits.SpqrDefaultMaxOutOfOrderKeys ? 0 : parameters.MaxOooKeys,
    };
}
