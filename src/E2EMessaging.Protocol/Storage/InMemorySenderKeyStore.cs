using System.Collections.Concurrent;
using E2EMessaging.Protocol.Groups;

namespace E2EMessaging.Protocol.Storage;

/// <summary>An in-memory <see cref="ISenderKeyStore"/> that keeps records serialized, as a database would.</summary>
public sealed class InMemorySenderKeyStore : ISenderKeyStore
{
    private readonly ConcurrentDictionary<(ProtocolAddress Sender, Guid DistributionId), byte[]> _records = new();

    /// <inheritdoc />
    public ValueTask<SenderKeyRecord?> LoadSenderKeyAsync(ProtocolAddress sender, Guid distributionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sender);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_records.TryGetValue((sender, distributionId), out byte[]? bytes) ? SenderKeyRecord.Deserialize(bytes) : null);
    }

    /// <inheritdoc />
    public ValueTask StoreSenderKeyAsync(ProtocolAddress sender, Guid distributionId, SenderKeyRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(record);
        cancellationToken.ThrowIfCancellationRequested();
        _records[(sender, distributionId)] = record.Serialize();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public override string ToString() => $"{nameof(InMemorySenderKeyStore)}({_records.Count} records)";
}
