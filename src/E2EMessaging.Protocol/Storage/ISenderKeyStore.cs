using E2EMessaging.Protocol.Groups;

namespace E2EMessaging.Protocol.Storage;

/// <summary>Sender-key records per (sender address, distribution id): this device's own keys and the ones other members sent it.</summary>
/// <remarks>
/// Rules every implementation keeps (the contract tests check them): <see cref="LoadSenderKeyAsync"/> returns null for an
/// unknown pair and otherwise a fresh record equal to the last one stored; <see cref="StoreSenderKeyAsync"/> is durable
/// when it returns. The library serializes calls for the same sender.
/// </remarks>
public interface ISenderKeyStore
{
    /// <summary>The record for (<paramref name="sender"/>, <paramref name="distributionId"/>), or null.</summary>
    ValueTask<SenderKeyRecord?> LoadSenderKeyAsync(ProtocolAddress sender, Guid distributionId, CancellationToken cancellationToken = default);

    /// <summary>Replaces the record for (<paramref name="sender"/>, <paramref name="distributionId"/>).</summary>
    ValueTask StoreSenderKeyAsync(ProtocolAddress sender, Guid distributionId, SenderKeyRecord record, CancellationToken cancellationToken = default);
}
