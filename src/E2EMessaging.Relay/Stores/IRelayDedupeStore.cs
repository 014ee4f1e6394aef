using E2EMessaging.Protocol;
using E2EMessaging.Wire;

namespace E2EMessaging.Relay.Stores;

/// <summary>What the relay remembers of an accepted submit, to answer a retry with the original ack.</summary>
public sealed class DedupeEntry
{
    /// <summary>Creates an entry.</summary>
    public DedupeEntry(ProtocolAddress sender, ClientMessageId clientMessageId, ReadOnlyMemory<byte> contentDigest, IReadOnlyList<EnvelopeReceipt> receipts, DateTimeOffset acceptedAt)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(receipts);
        Sender = sender;
        ClientMessageId = clientMessageId;
        ContentDigest = contentDigest;
        Receipts = receipts;
        AcceptedAt = acceptedAt;
    }

    /// <summary>The sending device.</summary>
    public ProtocolAddress Sender { get; }

    /// <summary>The message id.</summary>
    public ClientMessageId ClientMessageId { get; }

    /// <summary>SHA-256 over the submit's content (recipients, types, ciphertext hashes, timestamp, group id): equal digests mean a retry.</summary>
    public ReadOnlyMemory<byte> ContentDigest { get; }

    /// <summary>The ack the submit got.</summary>
    public IReadOnlyList<EnvelopeReceipt> Receipts { get; }

    /// <summary>When it was accepted (the retention window counts from here).</summary>
    public DateTimeOffset AcceptedAt { get; }

    /// <inheritdoc />
    public override string ToString() => $"DedupeEntry({Sender}, {ClientMessageId})";
}

/// <summary>
/// The relay's memory of accepted submits, keyed by (sender device, ClientMessageId), kept for the dedupe window.
/// The relay serializes submits per sender device, so an implementation needs only per-key atomicity:
/// <see cref="TryAddAsync"/> adds only when the key is absent.
/// </summary>
public interface IRelayDedupeStore
{
    /// <summary>The entry for (sender, id), or null.</summary>
    ValueTask<DedupeEntry?> GetAsync(ProtocolAddress sender, ClientMessageId clientMessageId, CancellationToken cancellationToken = default);

    /// <summary>Adds the entry; false (and no change) when the key exists.</summary>
    ValueTask<bool> TryAddAsync(DedupeEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Forgets entries accepted before <paramref name="cutoff"/>; returns how many.</summary>
    ValueTask<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default);
}
