namespace E2EMessaging.Groups;

/// <summary>A group as this device knows it: id, name, members (account names) and the membership revision.</summary>
public sealed class GroupInfo
{
    /// <summary>Creates a group record.</summary>
    public GroupInfo(Guid id, string name, IEnumerable<string> members, long revision)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(members);
        Id = id;
        Name = name;
        Members = [.. members.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        Revision = revision;
    }

    /// <summary>The group id.</summary>
    public Guid Id { get; }

    /// <summary>The display name.</summary>
    public string Name { get; }

    /// <summary>Member accounts, sorted, distinct.</summary>
    public IReadOnlyList<string> Members { get; }

    /// <summary>Membership revision; every change increments it.</summary>
    public long Revision { get; }

    /// <summary>True when <paramref name="account"/> is a member.</summary>
    public bool IsMember(string account) => Members.Contains(account, StringComparer.Ordinal);

    /// <summary>The type name, id, revision and member count.</summary>
    public override string ToString() => $"{nameof(GroupInfo)}({Id:D}, rev {Revision}, {Members.Count} members)";
}

/// <summary>
/// This device's own sender key in a group: the distribution id that names it, when it was made and how many
/// messages it has encrypted, for the rotation policy. The key itself is in the protocol's sender-key store.
/// </summary>
public sealed class OwnSenderKey
{
    /// <summary>Creates the record.</summary>
    public OwnSenderKey(Guid groupId, Guid distributionId, DateTimeOffset createdAt, long messagesSent)
    {
        GroupId = groupId;
        DistributionId = distributionId;
        CreatedAt = createdAt;
        MessagesSent = messagesSent;
    }

    /// <summary>The group.</summary>
    public Guid GroupId { get; }

    /// <summary>The distribution id of the current key; a rotation makes a new one.</summary>
    public Guid DistributionId { get; }

    /// <summary>When the key was made.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>Messages encrypted with it.</summary>
    public long MessagesSent { get; }

    /// <summary>The type name and ids.</summary>
    public override string ToString() => $"{nameof(OwnSenderKey)}({GroupId:D}, {DistributionId:D})";
}
