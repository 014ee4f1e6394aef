using System.Diagnostics;
using E2EMessaging.Content;
using E2EMessaging.Devices;
using E2EMessaging.Protocol;
using E2EMessaging.Protocol.Messages;
using E2EMessaging.Protocol.PreKeys;
using E2EMessaging.Protocol.Sessions;
using E2EMessaging.Status;
using E2EMessaging.Storage;
using E2EMessaging.Transport;
using E2EMessaging.Wire;

namespace E2EMessaging.Client;

public sealed partial class MessagingClient
{
    /// <summary>
    /// Sends a 1:1 message: assigns its id and writes it to the store and outbox before anything touches the network,
    /// encrypts it once per device of <paramref name="to"/> and once per other device of this account (as a sent
    /// transcript), and submits all of it in one request carrying the device-set hash. A device mismatch is fixed
    /// and resubmitted with the same id; a transport failure is retried with backoff, then the message waits in the
    /// outbox for the next <see cref="ConnectAsync"/> or <see cref="RetryOutboxAsync"/>.
    /// </summary>
    /// <returns>The message's id; watch its ticks with <see cref="WatchStatusAsync"/>.</returns>
    public async ValueTask<ClientMessageId> SendAsync(string to, DataMessage message, CancellationToken cancellationToken = default)
    {
        WireCodec.AsArgument(() => WireCodec.RequireAccount(to), nameof(to));
        ArgumentNullException.ThrowIfNull(message);
        using Activity? activity = ClientTelemetry.ActivitySource.StartActivity("E2EMessaging.Send");
        ClientMessageId id = _ids.Next();
        DateTimeOffset now = Now;
        ConversationId conversation = ConversationId.Direct(to);
        byte[] content = ContentCodec.Encode(new MessageContent(id, now.ToUnixTimeMilliseconds(), new DataBody(message, null)));
        var stored = new StoredMessage(id, conversation, Address.Name, Address.DeviceId, MessageDirection.Outgoing, now.ToUnixTimeMilliseconds(), message);
        if (await _stores.Messages.AddAsync(stored, cancellationToken).ConfigureAwait(false))
        {
            Search.Add(stored);
        }

        await ApplyEditOrDeleteAsync(Address.Name, message, cancellationToken).ConfigureAwait(false);
        await _stores.Outbox.AddAsync(new OutboxEntry(id, conversation, content, 0, now), cancellationToken).ConfigureAwait(false);
        activity?.SetTag("e2emessaging.message_id", id.ToString());
        await DeliverOutboxEntryAsync(id, cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <summary>Tries again every message waiting in the outbox (due now); returns how many were accepted.</summary>
    public async ValueTask<int> RetryOutboxAsync(CancellationToken cancellationToken = default)
    {
        int accepted = 0;
        foreach (OutboxEntry entry in await _stores.Outbox.GetDueAsync(DateTimeOffset.MaxValue, int.MaxValue, cancellationToken).ConfigureAwait(false))
        {
            if (await DeliverOutboxEntryAsync(entry.Id, cancellationToken).ConfigureAwait(false))
            {
                accepted++;
            }
        }

        return accepted;
    }

    /// <summary>Submits the outbox entry (1:1 or group) until it is accepted or the attempts run out; true when accepted.</summary>
    private async ValueTask<bool> DeliverOutboxEntryAsync(ClientMessageId id, CancellationToken cancellationToken)
    {
        OutboxEntry? entry = await _stores.Outbox.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            return true;
        }

        MessageContent content = ContentCodec.Decode(entry.Content.Span);
        SubmitOutcomeSummary? outcome;
        try
        {
            outcome = entry.Conversation.IsGroup
                ? await SubmitGroupMessageAsync(entry, content, cancellationToken).ConfigureAwait(false)
                : await SubmitDirectMessageAsync(entry, content, cancellationToken).ConfigureAwait(false);
        }
        catch (MessagingException e) when (e.Kind is MessagingErrorKind.Disconnected or MessagingErrorKind.RateLimited or MessagingErrorKind.InboxFull or MessagingErrorKind.ServerError)
        {
            outcome = null;
        }

        if (outcome is null)
        {
            int attempts = entry.Attempts + 1;
            await _stores.Outbox.RescheduleAsync(id, attempts, Now + Backoff(attempts), cancellationToken).ConfigureAwait(false);
            ClientLog.LeftInOutbox(_logger, id, attempts);
            return false;
        }

        await _stores.Outbox.RemoveAsync(id, cancellationToken).ConfigureAwait(false);
        _telemetry.MessagesSent.Add(1);
        foreach (EnvelopeReceipt receipt in outcome.Receipts.Where(r => r.Recipient.Name != Address.Name))
        {
            await _stores.Messages.AddRecipientsAsync(id, [receipt.Recipient], cancellationToken).ConfigureAwait(false);
            await _tracker.AdvanceAsync(id, entry.Conversation, receipt.Recipient, DeliveryStatus.Sent, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    private async ValueTask<SubmitOutcomeSummary?> SubmitDirectMessageAsync(OutboxEntry entry, MessageContent content, CancellationToken cancellationToken)
    {
        string to = entry.Conversation.Peer!;
        var data = (DataBody)content.Body;
        byte[] recipientContent = entry.Content.ToArray();
        byte[] syncContent = ContentCodec.Encode(new MessageContent(content.Id, content.Timestamp, new SyncBody(to, null, data.Message)));
        return await SubmitPairwiseAsync(
            content.Id,
            DateTimeOffset.FromUnixTimeMilliseconds(content.Timestamp),
            to == Address.Name ? [to] : [to, Address.Name],
            device => device.Name == Address.Name ? syncContent : recipientContent,
            default,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Encrypts per device of every account in <paramref name="accounts"/> (this device excepted) over pairwise
    /// sessions, starting sessions from prekey bundles where there are none, and submits them in one request.
    /// Device mismatches are fixed and resubmitted with the same id (a fresh encryption: nothing was stored);
    /// transport failures are retried with the very same request, so that the relay sees a retry, not a conflict.
    /// Returns null when the attempts ran out.
    /// </summary>
    private async ValueTask<SubmitOutcomeSummary?> SubmitPairwiseAsync(
        ClientMessageId id,
        DateTimeOffset timestamp,
        IReadOnlyList<string> accounts,
        Func<ProtocolAddress, byte[]> contentFor,
        ReadOnlyMemory<byte> groupId,
        CancellationToken cancellationToken)
    {
        for (int round = 0; round <= _options.MaxDeviceMismatchRounds; round++)
        {
            var envelopes = new List<OutgoingEnvelope>();
            foreach (string account in accounts)
            {
                foreach ((ProtocolAddress device, uint registrationId) in await DevicesOfAsync(account, cancellationToken).ConfigureAwait(false))
                {
                    envelopes.Add(await EncryptForAsync(device, registrationId, contentFor(device), cancellationToken).ConfigureAwait(false));
                }
            }

            if (envelopes.Count == 0)
            {
                return new SubmitOutcomeSummary([]);
            }

            SubmitResult? result = await SubmitWithRetriesAsync(new SubmitRequest(id, timestamp, envelopes, groupId), cancellationToken).ConfigureAwait(false);
            if (result is null)
            {
                return null;
            }

            if (result.Outcome == SubmitOutcome.Accepted)
            {
                ClientLog.Accepted(_logger, id, result.Receipts.Count);
                return new SubmitOutcomeSummary(result.Receipts);
            }

            await FixDeviceMismatchAsync(id, result, cancellationToken).ConfigureAwait(false);
        }

        throw new MessagingException(MessagingErrorKind.DeviceMismatch, "The recipients' device lists kept changing.");
    }

    /// <summary>Submits one request, retrying the identical request with backoff on transport failures and soft refusals. Null when attempts run out.</summary>
    private async ValueTask<SubmitResult?> SubmitWithRetriesAsync(SubmitRequest request, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            MessagingErrorKind failure;
            TimeSpan? retryAfter = null;
            int epoch = Volatile.Read(ref _connectionEpoch);
            try
            {
                SubmitResult result = await _transport.SubmitAsync(request, cancellationToken).ConfigureAwait(false);
                if (result.Outcome != SubmitOutcome.Refused)
                {
                    if (result.Outcome == SubmitOutcome.DeviceMismatch)
                    {
                        _telemetry.DeviceMismatches.Add(1);
                    }

                    return result;
                }

                failure = result.RefusalKind ?? MessagingErrorKind.ServerError;
                if (failure == MessagingErrorKind.ConflictingDuplicate)
                {
                    // An earlier attempt (before a restart, with other ciphertexts) was accepted: the message is there.
                    return SubmitResult.Accepted([]);
                }

                if (failure is not (MessagingErrorKind.RateLimited or MessagingErrorKind.InboxFull or MessagingErrorKind.ServerError))
                {
                    throw result.ToException()!;
                }

                retryAfter = result.RetryAfter;
            }
            catch (MessagingException e) when (e.Kind is MessagingErrorKind.Disconnected or MessagingErrorKind.ServerError)
            {
                failure = e.Kind;
            }

            if (attempt >= _options.MaxSubmitAttempts || (failure == MessagingErrorKind.Disconnected && !_online))
            {
                return null;
            }

            TimeSpan delay = retryAfter ?? Backoff(attempt);
            _telemetry.SubmitRetries.Add(1);
            ClientLog.SubmitRetry(_logger, request.ClientMessageId, attempt, failure, delay);
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            if (failure == MessagingErrorKind.Disconnected)
            {
                await TryReconnectAsync(epoch, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private TimeSpan Backoff(int attempt) => _options.RetryBaseDelay * Math.Pow(2, Math.Min(attempt - 1, 10));

    /// <summary>Reconnects after a dropped connection, once per drop however many sends noticed it.</summary>
    private async ValueTask<bool> TryReconnectAsync(int failedEpoch, CancellationToken cancellationToken)
    {
        if (!_online)
        {
            return false; // never connected, or disconnected on purpose: the host decides when this device goes online
        }

        await _reconnectGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _connectionEpoch) != failedEpoch)
            {
                return true; // someone else reconnected since
            }

            await _transport.ConnectAsync(cancellationToken).ConfigureAwait(false);
            await AuthenticateAsync(cancellationToken).ConfigureAwait(false);
            StartReceiving();
            return true;
        }
        catch (MessagingException)
        {
            return false; // still down; the next attempt tries again
        }
        finally
        {
            _reconnectGate.Release();
        }
    }

    /// <summary>Refreshes the device lists of every account the mismatch names and drops sessions with re-registered devices.</summary>
    private async ValueTask FixDeviceMismatchAsync(ClientMessageId id, SubmitResult mismatch, CancellationToken cancellationToken)
    {
        ClientLog.Mismatch(_logger, id, mismatch.MissingDevices.Count, mismatch.ExtraDevices.Count, mismatch.StaleDevices.Count);
        foreach (ProtocolAddress stale in mismatch.StaleDevices)
        {
            await ArchiveSessionAsync(stale, cancellationToken).ConfigureAwait(false);
        }

        foreach (string account in mismatch.MissingDevices.Concat(mismatch.ExtraDevices).Concat(mismatch.StaleDevices).Select(d => d.Name).Distinct(StringComparer.Ordinal))
        {
            await RefreshDevicesAsync(account, cancellationToken).ConfigureAwait(false);
        }

        Raise(ClientEventKind.DeviceMismatchFixed, $"{id}: missing {mismatch.MissingDevices.Count}, extra {mismatch.ExtraDevices.Count}, stale {mismatch.StaleDevices.Count}");
    }

    private async ValueTask ArchiveSessionAsync(ProtocolAddress device, CancellationToken cancellationToken)
    {
        SessionRecord? record = await _protocol.Sessions.LoadSessionAsync(device, cancellationToken).ConfigureAwait(false);
        if (record is not null && record.HasCurrentState)
        {
            record.ArchiveCurrentState();
            await _protocol.Sessions.StoreSessionAsync(device, record, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The account's devices (this device excepted), from the device-list store or, when unknown, the relay.</summary>
    private async ValueTask<IReadOnlyList<(ProtocolAddress Device, uint RegistrationId)>> DevicesOfAsync(string account, CancellationToken cancellationToken)
    {
        DeviceList list = await _stores.Devices.GetAsync(account, cancellationToken).ConfigureAwait(false)
            ?? await RefreshDevicesAsync(account, cancellationToken).ConfigureAwait(false);
        return [.. list.Devices
            .Select(d => (new ProtocolAddress(account, d.DeviceId), d.RegistrationId))
            .Where(d => !d.Item1.Equals(Address))];
    }

    private async ValueTask<DeviceList> RefreshDevicesAsync(string account, CancellationToken cancellationToken)
    {
        IReadOnlyList<DeviceInfo> devices = await _transport.FetchDevicesAsync(account, cancellationToken).ConfigureAwait(false);
        var list = new DeviceList(account, devices.Select(d => new KnownDevice(d.DeviceId, d.RegistrationId)), Now);
        await _stores.Devices.SaveAsync(list, cancellationToken).ConfigureAwait(false);
        return list;
    }

    /// <summary>Encrypts over the pairwise session with <paramref name="device"/>, starting one from a fetched bundle when there is none.</summary>
    private async ValueTask<OutgoingEnvelope> EncryptForAsync(ProtocolAddress device, uint registrationId, byte[] content, CancellationToken cancellationToken)
    {
        await EnsureSessionAsync(device, cancellationToken).ConfigureAwait(false);
        CiphertextMessage message = await _sessions.EncryptAsync(device, content, cancellationToken).ConfigureAwait(false);
        _telemetry.EnvelopesEncrypted.Add(1);
        EnvelopeType type = message.Type == CiphertextMessageType.PreKey ? EnvelopeType.PreKey : EnvelopeType.Whisper;
        return new OutgoingEnvelope(device, registrationId, type, message.Serialize());
    }

    private async ValueTask EnsureSessionAsync(ProtocolAddress device, CancellationToken cancellationToken)
    {
        SessionRecord? record = await _protocol.Sessions.LoadSessionAsync(device, cancellationToken).ConfigureAwait(false);
        if (record is not null && record.HasCurrentState)
        {
            return;
        }

        IReadOnlyList<PreKeyBundle> bundles = await _transport.FetchPreKeyBundlesAsync(device.Name, device.DeviceId, cancellationToken).ConfigureAwait(false);
        PreKeyBundle? bundle = bundles.FirstOrDefault(b => b.DeviceId == device.DeviceId);
        if (bundle is null)
        {
            throw new MessagingException(MessagingErrorKind.NotFound, $"The relay has no prekey bundle for {device}.");
        }

        await _sessions.ProcessPreKeyBundleAsync(device, bundle, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What an accepted submit acknowledged: one receipt (server sequence and time) per envelope.</summary>
    private sealed class SubmitOutcomeSummary(IReadOnlyList<EnvelopeReceipt> receipts)
    {
        public IReadOnlyList<EnvelopeReceipt> Receipts { get; } = receipts;
    }
}
