using E2EMessaging.Content;
using E2EMessaging.Groups;
using E2EMessaging.Protocol;
using E2EMessaging.Protocol.Messages;
using E2EMessaging.Storage;
using E2EMessaging.Wire;

namespace E2EMessaging.Client;

public sealed partial class MessagingClient
{
    /// <summary>Creates a group with this account and <paramref name="members"/>, and tells every member's devices (and this account's other devices).</summary>
    /// <exception cref="MessagingException"><see cref="MessagingErrorKind.GroupTooLarge"/> above <see cref="MessagingClientOptions.MaxGroupSize"/>.</exception>
    public async ValueTask<GroupInfo> CreateGroupAsync(string name, IEnumerable<string> members, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(members);
        var group = new GroupInfo(NewGroupId(), name, members.Append(Address.Name), 1);
        CheckSize(group);
        await _stores.Groups.SaveGroupAsync(group, cancellationToken).ConfigureAwait(false);
        await SendGroupUpdateAsync(group, group.Members, cancellationToken).ConfigureAwait(false);
        return group;
    }

    /// <summary>Adds members; they receive this sender key (and every member's) with the next group message.</summary>
    public async ValueTask<GroupInfo> AddMembersAsync(Guid groupId, IEnumerable<string> members, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(members);
        SemaphoreSlim gate = GroupLock(groupId);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            GroupInfo current = await RequireGroupAsync(groupId, cancellationToken).ConfigureAwait(false);
            var updated = new GroupInfo(groupId, current.Name, current.Members.Concat(members), current.Revision + 1);
            CheckSize(updated);
            await _stores.Groups.SaveGroupAsync(updated, cancellationToken).ConfigureAwait(false);
            await SendGroupUpdateAsync(updated, updated.Members, cancellationToken).ConfigureAwait(false);
            return updated;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Removes members (or, with this account's name, leaves). Removed members learn it; this device's sender key is
    /// replaced so that they cannot read what follows, and every remaining member replaces theirs when the update arrives.
    /// </summary>
    public async ValueTask<GroupInfo> RemoveMembersAsync(Guid groupId, IEnumerable<string> members, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(members);
        var removed = members.ToHashSet(StringComparer.Ordinal);
        SemaphoreSlim gate = GroupLock(groupId);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            GroupInfo current = await RequireGroupAsync(groupId, cancellationToken).ConfigureAwait(false);
            var updated = new GroupInfo(groupId, current.Name, current.Members.Where(m => !removed.Contains(m)), current.Revision + 1);
            await _stores.Groups.SaveGroupAsync(updated, cancellationToken).ConfigureAwait(false);
            await ExpireOwnSenderKeyAsync(groupId, cancellationToken).ConfigureAwait(false);
            await SendGroupUpdateAsync(updated, current.Members, cancellationToken).ConfigureAwait(false);
            return updated;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Sends a group message: encrypted once with this device's sender key (one ciphertext that the relay copies
    /// into every member device's inbox), after sending the sender key over pairwise sessions to member devices
    /// that lack it. The key is replaced per policy (<see cref="MessagingClientOptions.SenderKeyRotationMessages"/>,
    /// <see cref="MessagingClientOptions.SenderKeyRotationInterval"/>) and whenever a member left.
    /// </summary>
    public async ValueTask<ClientMessageId> SendToGroupAsync(Guid groupId, DataMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        using System.Diagnostics.Activity? activity = ClientTelemetry.ActivitySource.StartActivity("E2EMessaging.SendToGroup");
        GroupInfo group = await RequireGroupAsync(groupId, cancellationToken).ConfigureAwait(false);
        ClientMessageId id = _ids.Next();
        activity?.SetTag("e2emessaging.message_id", id.ToString());
        activity?.SetTag("e2emessaging.group_size", group.Members.Count);
        DateTimeOffset now = Now;
        ConversationId conversation = ConversationId.Group(group.Id);
        byte[] content = ContentCodec.Encode(new MessageContent(id, now.ToUnixTimeMilliseconds(), new DataBody(message, group.Id)));
        var stored = new StoredMessage(id, conversation, Address.Name, Address.DeviceId, MessageDirection.Outgoing, now.ToUnixTimeMilliseconds(), message);
        if (await _stores.Messages.AddAsync(stored, cancellationToken).ConfigureAwait(false))
        {
            Search.Add(stored);
        }

        await ApplyEditOrDeleteAsync(Address.Name, message, cancellationToken).ConfigureAwait(false);
        await _stores.Outbox.AddAsync(new OutboxEntry(id, conversation, content, 0, now), cancellationToken).ConfigureAwait(false);
        await DeliverOutboxEntryAsync(id, cancellationToken).ConfigureAwait(false);
        return id;
    }

    private async ValueTask<SubmitOutcomeSummary?> SubmitGroupMessageAsync(OutboxEntry entry, MessageContent content, CancellationToken cancellationToken)
    {
        Guid groupId = entry.Conversation.GroupId;
        SemaphoreSlim gate = GroupLock(groupId);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            GroupInfo group = await RequireGroupAsync(groupId, cancellationToken).ConfigureAwait(false);
            OwnSenderKey key = await CurrentSenderKeyAsync(groupId, cancellationToken).ConfigureAwait(false);

            // The distribution message is taken before encrypting: it names the chain's next iteration, which is
            // this message's, so every device that gets it (now or after a device mismatch) can decrypt this message.
            SenderKeyDistributionMessage distribution = await _groups.CreateDistributionMessageAsync(Address, key.DistributionId, cancellationToken).ConfigureAwait(false);
            SenderKeyMessage encrypted = await _groups.EncryptAsync(Address, key.DistributionId, entry.Content, cancellationToken).ConfigureAwait(false);
            byte[] ciphertext = encrypted.Serialize();
            _telemetry.EnvelopesEncrypted.Add(1);
            await _stores.Groups.SaveOwnSenderKeyAsync(new OwnSenderKey(groupId, key.DistributionId, key.CreatedAt, key.MessagesSent + 1), cancellationToken).ConfigureAwait(false);
            byte[] groupBytes = GroupBytes(groupId);
            for (int round = 0; round <= _options.MaxDeviceMismatchRounds; round++)
            {
                IReadOnlyList<(ProtocolAddress Device, uint RegistrationId)> devices = await MemberDevicesAsync(group, cancellationToken).ConfigureAwait(false);
                if (devices.Count == 0)
                {
                    return new SubmitOutcomeSummary([]);
                }

                if (!await DistributeSenderKeyAsync(group, key, distribution, devices, cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }

                var envelopes = devices.Select(d => new OutgoingEnvelope(d.Device, d.RegistrationId, EnvelopeType.SenderKey, ciphertext));
                SubmitResult? result = await SubmitWithRetriesAsync(new SubmitRequest(content.Id, DateTimeOffset.FromUnixTimeMilliseconds(content.Timestamp), envelopes, groupBytes), cancellationToken).ConfigureAwait(false);
                if (result is null)
                {
                    return null;
                }

                if (result.Outcome == SubmitOutcome.Accepted)
                {
                    ClientLog.Accepted(_logger, content.Id, result.Receipts.Count);
                    return new SubmitOutcomeSummary(result.Receipts);
                }

                // The same sender-key ciphertext goes to the corrected device set (new devices get the key first).
                await FixDeviceMismatchAsync(content.Id, result, cancellationToken).ConfigureAwait(false);
            }

            throw new MessagingException(MessagingErrorKind.DeviceMismatch, "The members' device lists kept changing.");
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Sends the current sender key over pairwise sessions to every member account with a device that lacks it. False when the submit could not get through.</summary>
    private async ValueTask<bool> DistributeSenderKeyAsync(GroupInfo group, OwnSenderKey key, SenderKeyDistributionMessage distribution, IReadOnlyList<(ProtocolAddress Device, uint RegistrationId)> devices, CancellationToken cancellationToken)
    {
        IReadOnlySet<ProtocolAddress> holding = await _stores.Groups.GetDistributedDevicesAsync(key.DistributionId, cancellationToken).ConfigureAwait(false);
        string[] accounts = [.. devices.Where(d => !holding.Contains(d.Device)).Select(d => d.Device.Name).Distinct(StringComparer.Ordinal)];
        if (accounts.Length == 0)
        {
            return true;
        }

        ClientMessageId id = _ids.Next();
        DateTimeOffset now = Now;
        byte[] content = ContentCodec.Encode(new MessageContent(id, now.ToUnixTimeMilliseconds(), new SenderKeyDistributionBody(group.Id, distribution.Serialize())));
        SubmitOutcomeSummary? outcome = await SubmitPairwiseAsync(id, now, accounts, _ => content, default, cancellationToken).ConfigureAwait(false);
        if (outcome is null)
        {
            return false;
        }

        await _stores.Groups.MarkDistributedAsync(key.DistributionId, outcome.Receipts.Select(r => r.Recipient), cancellationToken).ConfigureAwait(false);
        Raise(ClientEventKind.SenderKeyDistributed, $"group {group.Id:D}: sender key {key.DistributionId:D} sent pairwise to {outcome.Receipts.Count} devices of {accounts.Length} accounts");
        return true;
    }

    /// <summary>This device's sender key for the group, replaced when missing, expired or over its message budget.</summary>
    private async ValueTask<OwnSenderKey> CurrentSenderKeyAsync(Guid groupId, CancellationToken cancellationToken)
    {
        OwnSenderKey? key = await _stores.Groups.GetOwnSenderKeyAsync(groupId, cancellationToken).ConfigureAwait(false);
        DateTimeOffset now = Now;
        if (key is not null && key.MessagesSent < _options.SenderKeyRotationMessages && now - key.CreatedAt < _options.SenderKeyRotationInterval)
        {
            return key;
        }

        Guid distributionId = NewGroupId();
        await _groups.CreateDistributionMessageAsync(Address, distributionId, cancellationToken).ConfigureAwait(false);
        var fresh = new OwnSenderKey(groupId, distributionId, now, 0);
        await _stores.Groups.SaveOwnSenderKeyAsync(fresh, cancellationToken).ConfigureAwait(false);
        _telemetry.SenderKeyRotations.Add(1);
        ClientLog.SenderKeyRotated(_logger, groupId, distributionId);
        Raise(ClientEventKind.SenderKeyRotated, key is null
            ? $"group {groupId:D}: first sender key {distributionId:D}"
            : $"group {groupId:D}: sender key {key.DistributionId:D} replaced by {distributionId:D}");
        return fresh;
    }

    /// <summary>Marks this device's sender key for the group as used up, so the next message makes a new one.</summary>
    private async ValueTask ExpireOwnSenderKeyAsync(Guid groupId, CancellationToken cancellationToken)
    {
        OwnSenderKey? key = await _stores.Groups.GetOwnSenderKeyAsync(groupId, cancellationToken).ConfigureAwait(false);
        if (key is not null)
        {
            await _stores.Groups.SaveOwnSenderKeyAsync(new OwnSenderKey(groupId, key.DistributionId, key.CreatedAt, long.MaxValue), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Every device of every member (this device excepted).</summary>
    private async ValueTask<IReadOnlyList<(ProtocolAddress Device, uint RegistrationId)>> MemberDevicesAsync(GroupInfo group, CancellationToken cancellationToken)
    {
        var devices = new List<(ProtocolAddress, uint)>();
        foreach (string member in group.Members)
        {
            devices.AddRange(await DevicesOfAsync(member, cancellationToken).ConfigureAwait(false));
        }

        return devices;
    }

    private async ValueTask SendGroupUpdateAsync(GroupInfo group, IReadOnlyList<string> recipients, CancellationToken cancellationToken)
    {
        ClientMessageId id = _ids.Next();
        DateTimeOffset now = Now;
        byte[] content = ContentCodec.Encode(new MessageContent(id, now.ToUnixTimeMilliseconds(), new GroupUpdateBody(group.Id, group.Revision, group.Name, group.Members)));
        string[] accounts = [.. recipients.Append(Address.Name).Distinct(StringComparer.Ordinal)];
        if (await SubmitPairwiseAsync(id, now, accounts, _ => content, default, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new MessagingException(MessagingErrorKind.Disconnected, "The group update could not reach the relay.");
        }

        Raise(ClientEventKind.GroupUpdated, $"group {group.Id:D} revision {group.Revision}: {group.Members.Count} members");
    }

    private async ValueTask<GroupInfo> RequireGroupAsync(Guid groupId, CancellationToken cancellationToken)
    {
        GroupInfo? group = await _stores.Groups.GetGroupAsync(groupId, cancellationToken).ConfigureAwait(false);
        if (group is null || !group.IsMember(Address.Name))
        {
            throw new MessagingException(MessagingErrorKind.NotAGroupMember, "This account is not a member of the group.");
        }

        return group;
    }

    private void CheckSize(GroupInfo group)
    {
        if (group.Members.Count > _options.MaxGroupSize)
        {
            throw new MessagingException(MessagingErrorKind.GroupTooLarge, $"A group has at most {_options.MaxGroupSize} members.");
        }
    }

    private Guid NewGroupId()
    {
        Span<byte> bytes = stackalloc byte[16];
        _random.Fill(bytes);
        bytes[6] = (byte)(0x40 | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true);
    }

    private static byte[] GroupBytes(Guid groupId) => groupId.ToByteArray(bigEndian: true);
}
