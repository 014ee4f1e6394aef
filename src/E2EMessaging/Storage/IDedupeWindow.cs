using E2EMessaging.Wire;

namespace E2EMessaging.Storage;

/// <summary>
/// The (sender, <see cref="ClientMessageId"/>) pairs this device has processed recently, so a message the relay
/// delivers twice (a lost ack, a resubmit, a replayed frame) is processed once.
/// </summary>
/// <remarks>
/// Rules: <see cref="TryAddAsync"/> is an atomic test-and-set: exactly one of concurrent calls with the same pair
/// returns true. Pairs are kept at least until <see cref="PruneAsync"/> is called with a time after they were added.
/// </remarks>
public interface IDedupeWindow
{
    /// <summary>Records the pair; false when it was already recorded.</summary>
    ValueTask<bool> TryAddAsync(string sender, ClientMessageId id, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>True when the pair is recorded.</summary>
    ValueTask<bool> ContainsAsync(string sender, ClientMessageId id, CancellationToken cancellationToken = default);

    /// <summary>Forgets pairs added before <paramref name="olderThan"/>; returns how many.</summary>
    ValueTask<int> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default);
}
