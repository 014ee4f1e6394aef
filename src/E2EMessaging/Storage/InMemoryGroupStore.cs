using System.Collections.Concurrent;
using E2EMessaging.Groups;
using E2EMessaging.Protocol;

namespace E2EMessaging.Storage;

/// <summary>An <see cref="IGroupStore"/> in memory.</summary>
public sealed class InMemoryGroupStore : IGroupStore
{
    private readonly ConcurrentDictionary<Guid, GroupInfo> _groups = new();
    private readonly ConcurrentDictionary<Guid, OwnSenderKey> _ownKeys = new();
    private readonly ConcurrentDictionary<Guid, HashSet<ProtocolAddress>> _distributed = new();
    private readonly ConcurrentDictionary<(ProtocolAddress Sender, Guid DistributionId), Guid> _remote = new();

    /// <inheritdoc />
    public ValueTask<GroupInfo?> GetGroupAsync(Guid groupId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_groups.TryGetValue(groupId, out GroupInfo? group) ? group : null);

    /// <inheritdoc />
    public ValueTask<bool> SaveGroupAsync(GroupInfo group, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(group);
        while (true)
        {
            if (_groups.TryGetValue(group.Id, out GroupInfo? current))
            {
                if (current.Revision >= group.Revision)
                {
                    return ValueTask.FromResult(false);
                }

                if (_groups.TryUpdate(group.Id, group, current))
                {
                    return ValueTask.FromResult(true);
                }
            }
            else if (_groups.TryAdd(group.Id, group))
            {
                return ValueTask.FromResult(true);
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<OwnSenderKey?> GetOwnSenderKeyAsync(Guid groupId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_ownKeys.TryGetValue(groupId, out OwnSenderKey? key) ? key : null);

    /// <inheritdoc />
    public ValueTask SaveOwnSenderKeyAsync(OwnSenderKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        _ownKeys[key.GroupId] = key;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlySet<ProtocolAddress>> GetDistributedDevicesAsync(Guid distributionId, CancellationToken cancellationToken = default)
    {
        if (!_distributed.TryGetValue(distributionId, out HashSet<ProtocolAddress>? devices))
        {
            return ValueTask.FromResult<IReadOnlySet<ProtocolAddress>>(new HashSet<ProtocolAddress>());
        }

        lock (devices)
        {
            return ValueTask.FromResult<IReadOnlySet<ProtocolAddress>>(new HashSet<ProtocolAddress>(devices));
        }
    }

    /// <inheritdoc />
    public ValueTask MarkDistributedAsync(Guid distributionId, IEnumerable<ProtocolAddress> devices, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(devices);
        HashSet<ProtocolAddress> set = _distributed.GetOrAdd(distributionId, _ => []);
        lock (set)
        {
            set.UnionWith(devices);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask SaveRemoteDistributionAsync(ProtocolAddress sender, Guid distributionId, Guid groupId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sender);
        _remote[(sender, distributionId)] = groupId;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<Guid?> GetRemoteDistributionGroupAsync(ProtocolAddress sender, Guid distributionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sender);
        return ValueTask.FromResult<Guid?>(_remote.TryGetValue((sender, distributionId), out Guid group) ? group : null);
    }

    /// <summary>The type name and group count.</summary>
    public override string ToString() => $"{nameof(InMemoryGroupStore)}({_groups.Count} groups)";
}
