using E2EMessaging.Wire;

namespace E2EMessaging.Storage;

/// <summary>
/// One message waiting to be accepted by the relay: its id (reused by every retry), conversation, the encoded
/// content (plaintext: the outbox is this device's own storage and must be protected like the message store),
/// attempts so far and when to try next. Never prints its content.
/// </summary>
public sealed class OutboxEntry
{
    /// <summary>Creates an entry.</summary>
    public OutboxEntry(ClientMessageId id, ConversationId conversation, ReadOnlyMemory<byte> content, int attempts, DateTimeOffset nextAttempt)
    {
        Id = id;
        Conversation = conversation;
        Content = content;
        Attempts = attempts;
        NextAttempt = nextAttempt;
    }

    /// <summary>The message id.</summary>
    public ClientMessageId Id { get; }

    /// <summary>The conversation.</summary>
    public ConversationId Conversation { get; }

    /// <summary>The encoded content.</summary>
    public ReadOnlyMemory<byte> Content { get; }

    /// <summary>Submits tried so far.</summary>
    public int Attempts { get; }

    /// <summary>When the next attempt is due.</summary>
    public DateTimeOffset NextAttempt { get; }

    /// <summary>The type name and id; never the content.</summary>
    public override string ToString() => $"{nameof(OutboxEntry)}({Id}, attempts {Attempts})";
}

/// <summary>
/// Messages written before they touch the network, removed when the relay accepted them, so that a crash or an
/// outage resends them with the same id.
/// </summary>
/// <remarks>
/// Rules: <see cref="AddAsync"/> is idempotent on the id (false and no change when present);
/// <see cref="GetDueAsync"/> returns entries whose <see cref="OutboxEntry.NextAttempt"/> is at or before the time,
/// oldest id first; <see cref="RescheduleAsync"/> and <see cref="RemoveAsync"/> on an unknown id do nothing.
/// </remarks>
public interface IOutbox
{
    /// <summary>Adds an entry; false when its id is already there.</summary>
    ValueTask<bool> AddAsync(OutboxEntry entry, CancellationToken cancellationToken = default);

    /// <summary>The entry with this id, or null.</summary>
    ValueTask<OutboxEntry?> GetAsync(ClientMessageId id, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="max"/> entries due at <paramref name="now"/>, oldest id first.</summary>
    ValueTask<IReadOnlyList<OutboxEntry>> GetDueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken = default);

    /// <summary>Records an attempt and the time of the next one.</summary>
    ValueTask RescheduleAsync(ClientMessageId id, int attempts, DateTimeOffset nextAttempt, CancellationToken cancellationToken = default);

    /// <summary>Removes the entry (the relay accepted the message, or it was given up).</summary>
    ValueTask RemoveAsync(ClientMessageId id, CancellationToken cancellationToken = default);
}
