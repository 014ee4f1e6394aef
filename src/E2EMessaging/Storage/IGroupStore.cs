using E2EMessaging.Groups;
using E2EMessaging.Protocol;

namespace E2EMessaging.Storage;

/// <summary>
/// Groups, this device's sender key per group, which member devices hold it, and which group each other device's
/// sender key (distribution id) belongs to.
/// </summary>
/// <remarks>
/// Rules: <see cref="SaveGroupAsync"/> keeps the record with the higher revision (a lower or equal one changes
/// nothing and returns false). Distribution state is per distribution id, so a rotated key (a new distribution id)
/// starts with no device holding it. <see cref="MarkDistributedAsync"/> is additive and idempotent.
/// </remarks>
public interface IGroupStore
{
    /// <summary>The group, or null.</summary>
    ValueTask<GroupInfo?> GetGroupAsync(Guid groupId, CancellationToken cancellationToken = default);

    /// <summary>Saves the group when its revision is newer than the stored one; true when saved.</summary>
    ValueTask<bool> SaveGroupAsync(GroupInfo group, CancellationToken cancellationToken = default);

    /// <summary>This device's current sender key record for the group, or null.</summary>
    ValueTask<OwnSenderKey?> GetOwnSenderKeyAsync(Guid groupId, CancellationToken cancellationToken = default);

    /// <summary>Replaces this device's sender key record for the group.</summary>
    ValueTask SaveOwnSenderKeyAsync(OwnSenderKey key, CancellationToken cancellationToken = default);

    /// <summary>The member devices that hold the sender key named by <paramref name="distributionId"/>.</summary>
    ValueTask<IReadOnlySet<ProtocolAddress>> GetDistributedDevicesAsync(Guid distributionId, CancellationToken cancellationToken = default);

    /// <summary>Records that these devices now hold the sender key named by <paramref name="distributionId"/>.</summary>
    ValueTask MarkDistributedAsync(Guid distributionId, IEnumerable<ProtocolAddress> devices, CancellationToken cancellationToken = default);

    /// <summary>Records that <paramref name="sender"/>'s sender key <paramref name="distributionId"/> is for <paramref name="groupId"/> (learned from its distribution message).</summary>
    ValueTask SaveRemoteDistributionAsync(ProtocolAddress sender, Guid distributionId, Guid groupId, CancellationToken cancellationToken = default);

    /// <summary>The group of <paramref name="sender"/>'s sender key <paramref name="distributionId"/>, or null when unknown.</summary>
    ValueTask<Guid?> GetRemoteDistributionGroupAsync(ProtocolAddress sender, Guid distributionId, CancellationToken cancellationToken = default);
}
