namespace E2EMessaging;

/// <summary>A conversation: 1:1 with another account, or a group. Prints its kind and id; neither is secret.</summary>
public readonly struct ConversationId : IEquatable<ConversationId>
{
    private ConversationId(string? peer, Guid group)
    {
        Peer = peer;
        GroupId = group;
    }

    /// <summary>The 1:1 conversation with <paramref name="peer"/> (an account name).</summary>
    public static ConversationId Direct(string peer)
    {
        ArgumentException.ThrowIfNullOrEmpty(peer);
        return new ConversationId(peer, Guid.Empty);
    }

    /// <summary>The conversation of the group <paramref name="groupId"/>.</summary>
    public static ConversationId Group(Guid groupId)
    {
        if (groupId == Guid.Empty)
        {
            ThrowHelper.Argument(nameof(groupId), "A group id is not empty.");
        }

        return new ConversationId(null, groupId);
    }

    /// <summary>True for a group conversation.</summary>
    public bool IsGroup => Peer is null;

    /// <summary>The other account of a 1:1 conversation; null for a group.</summary>
    public string? Peer { get; }

    /// <summary>The group id; <see cref="Guid.Empty"/> for a 1:1 conversation.</summary>
    public Guid GroupId { get; }

    /// <inheritdoc />
    public bool Equals(ConversationId other) => string.Equals(Peer, other.Peer, StringComparison.Ordinal) && GroupId == other.GroupId;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ConversationId other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Peer is null ? 0 : StringComparer.Ordinal.GetHashCode(Peer), GroupId);

    /// <summary><c>direct:peer</c> or <c>group:id</c>.</summary>
    public override string ToString() => IsGroup ? $"group:{GroupId:D}" : $"direct:{Peer}";

    /// <summary>Equality.</summary>
    public static bool operator ==(ConversationId left, ConversationId right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(ConversationId left, ConversationId right) => !left.Equals(right);
}
