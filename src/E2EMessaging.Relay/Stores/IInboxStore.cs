using E2EMessaging.Protocol;
using E2EMessaging.Wire;

namespace E2EMessaging.Relay.Stores;

/// <summary>
/// Per-device inboxes: the envelopes the relay has accepted for a device and that the device has not yet acknowledged.
/// </summary>
/// <remarks>
/// Rules every implementation keeps (the contract tests check them):
/// <list type="bullet">
/// <item><see cref="AppendAsync"/> assigns the next server sequence of that inbox (1, 2, 3, …; never reused while the
/// inbox exists) and persists the envelope before it returns.</item>
/// <item><see cref="ReadAsync"/> returns envelopes in sequence order and never returns a sequence while an earlier one
/// is still being appended (so a reader that has seen sequence n has seen everything below n that still exists).</item>
/// <item>Deleting is idempotent: unknown sequences are ignored.</item>
/// <item>Different inboxes do not block each other.</item>
/// </list>
/// The envelopes are opaque ciphertext plus routing metadata; a store never needs, and never gets, a key.
/// </remarks>
public interface IInboxStore
{
    /// <summary>Appends <paramref name="envelope"/> to <paramref name="device"/>'s inbox; returns it with its server sequence and <paramref name="serverTimestamp"/>.</summary>
    ValueTask<Envelope> AppendAsync(ProtocolAddress device, Envelope envelope, DateTimeOffset serverTimestamp, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="maxCount"/> envelopes with sequences above <paramref name="afterSequence"/>, in order.</summary>
    ValueTask<IReadOnlyList<Envelope>> ReadAsync(ProtocolAddress device, ulong afterSequence, int maxCount, CancellationToken cancellationToken = default);

    /// <summary>How many envelopes the inbox holds.</summary>
    ValueTask<int> CountAsync(ProtocolAddress device, CancellationToken cancellationToken = default);

    /// <summary>Deletes the envelopes with these sequences; returns how many existed.</summary>
    ValueTask<int> DeleteAsync(ProtocolAddress device, IReadOnlyCollection<ulong> serverSequences, CancellationToken cancellationToken = default);

    /// <summary>Deletes every envelope whose server time is before <paramref name="cutoff"/>, in every inbox; returns how many.</summary>
    ValueTask<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default);

    /// <summary>Deletes a device's whole inbox (the device was unlinked).</summary>
    ValueTask DeleteInboxAsync(ProtocolAddress device, CancellationToken cancellationToken = default);
}
