using E2EMessaging.Wire;

namespace E2EMessaging.Content;

/// <summary>
/// What a user sends: text, attachment pointers, a quote (reply), a reaction, or an edit or delete of an earlier
/// message. Every field is optional; a message is whatever combination the app composes. Never prints its text.
/// </summary>
public sealed class DataMessage
{
    /// <summary>The text, or null.</summary>
    public string? Text { get; init; }

    /// <summary>Encrypted attachments (see <see cref="Attachments.AttachmentTransfer"/>).</summary>
    public IReadOnlyList<Attachments.AttachmentPointer> Attachments { get; init; } = [];

    /// <summary>The message this one replies to, or null.</summary>
    public QuotedMessage? Quote { get; init; }

    /// <summary>A reaction to an earlier message, or null.</summary>
    public Reaction? Reaction { get; init; }

    /// <summary>When set, this message replaces the text of the (same author's) message with this id.</summary>
    public ClientMessageId? EditOf { get; init; }

    /// <summary>When set, this message deletes the (same author's) message with this id for everyone.</summary>
    public ClientMessageId? DeleteOf { get; init; }

    /// <summary>The type name: a message never prints its content.</summary>
    public override string ToString() => nameof(DataMessage);
}

/// <summary>A reference to the message a reply quotes.</summary>
public sealed class QuotedMessage
{
    /// <summary>Creates a quote of <paramref name="id"/> by <paramref name="author"/>.</summary>
    public QuotedMessage(ClientMessageId id, string author, string? text = null)
    {
        ArgumentNullException.ThrowIfNull(author);
        Id = id;
        Author = author;
        Text = text;
    }

    /// <summary>The quoted message's id.</summary>
    public ClientMessageId Id { get; }

    /// <summary>The quoted message's author (account name).</summary>
    public string Author { get; }

    /// <summary>A copy of (a prefix of) the quoted text, for display when the original is gone; or null.</summary>
    public string? Text { get; }

    /// <summary>The type name and the id; never the text.</summary>
    public override string ToString() => $"{nameof(QuotedMessage)}({Id})";
}

/// <summary>An emoji reaction to a message, or the removal of one.</summary>
public sealed class Reaction
{
    /// <summary>Creates a reaction.</summary>
    public Reaction(ClientMessageId targetId, string targetAuthor, string emoji, bool remove = false)
    {
        ArgumentNullException.ThrowIfNull(targetAuthor);
        ArgumentNullException.ThrowIfNull(emoji);
        TargetId = targetId;
        TargetAuthor = targetAuthor;
        Emoji = emoji;
        Remove = remove;
    }

    /// <summary>The message reacted to.</summary>
    public ClientMessageId TargetId { get; }

    /// <summary>That message's author (account name).</summary>
    public string TargetAuthor { get; }

    /// <summary>The emoji.</summary>
    public string Emoji { get; }

    /// <summary>True when this removes an earlier reaction.</summary>
    public bool Remove { get; }

    /// <summary>The type name and the target id.</summary>
    public override string ToString() => $"{nameof(Reaction)}({TargetId})";
}
