using E2EMessaging.Content;
using E2EMessaging.Groups;
using E2EMessaging.Protocol;
using E2EMessaging.Protocol.Messages;
using E2EMessaging.Storage;
using E2EMessaging.Transport;
using E2EMessaging.Wire;

namespace E2EMessaging.Client;

public sealed partial class MessagingClient
{
    /// <summary>
    /// Marks the conversation read up to <paramref name="upTo"/> and queues read receipts to the authors of the
    /// newly read messages: a watermark per author, coalesced within the batch window; with exact ids in 1:1 chats
    /// and small groups, a watermark only in groups above <see cref="Receipts.ReceiptOptions.LargeGroupThreshold"/>.
    /// </summary>
    public async ValueTask MarkReadAsync(ConversationId conversation, ClientMessageId upTo, CancellationToken cancellationToken = default)
    {
        ClientMessageId? previous = await _stores.Messages.AdvanceReadWatermarkAsync(conversation, Address.Name, upTo, cancellationToken).ConfigureAwait(false);
        if (previous is not { } before)
        {
            return;
        }

        bool large = false;
        if (conversation.IsGroup && await _stores.Groups.GetGroupAsync(conversation.GroupId, cancellationToken).ConfigureAwait(false) is { } group)
        {
            large = group.Members.Count > _options.Receipts.LargeGroupThreshold;
        }

        IReadOnlyList<StoredMessage> recent = await _stores.Messages.GetConversationAsync(conversation, Receipts.ReceiptProcessor.WatermarkScanLimit, cancellationToken).ConfigureAwait(false);
        foreach (StoredMessage message in recent)
        {
            if (message.Direction == MessageDirection.Incoming && message.Id > before && message.Id <= upTo)
            {
                await _receipts.ReadAsync(message.Author, conversation.IsGroup ? conversation.GroupId : null, message.Id, withIds: !large, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private void StartReceiving()
    {
        CancellationTokenSource? previous = _connection;
        _connection = CancellationTokenSource.CreateLinkedTokenSource(_disposed.Token);
        previous?.Cancel();
        previous?.Dispose();
        if (_inboxDrained.Task.IsCompleted)
        {
            _inboxDrained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        int epoch = Interlocked.Increment(ref _connectionEpoch);
        CancellationToken token = _connection.Token;
        _receiveLoop = Task.Run(() => ReceiveLoopAsync(epoch, token), CancellationToken.None);
    }

    private async Task ReceiveLoopAsync(int epoch, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (IncomingFrame frame in _transport.ReceiveAsync(cancellationToken).ConfigureAwait(false))
            {
                switch (frame.Kind)
                {
                    case IncomingFrameKind.Envelope:
                        await _receiveGate.WaitAsync(cancellationToken).ConfigureAwait(false);
                        try
                        {
                            await HandleEnvelopeAsync(frame.Envelope!, cancellationToken).ConfigureAwait(false);
                        }
                        finally
                        {
                            _receiveGate.Release();
                        }

                        break;
                    case IncomingFrameKind.QueueEmpty:
                        _inboxDrained.TrySetResult();
                        Raise(ClientEventKind.InboxDrained, $"{Address}: inbox drained");
                        break;
                    case IncomingFrameKind.PreKeysLow:
                        _ = ReplenishInBackgroundAsync();
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (MessagingException e) when (e.Kind == MessagingErrorKind.Disconnected)
        {
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            ClientLog.BackgroundFailed(_logger, "receive loop", e);
        }

        if (_online && !cancellationToken.IsCancellationRequested)
        {
            // The connection dropped under us: reconnect with backoff, then resend what waits in the outbox.
            _ = ReconnectInBackgroundAsync(epoch);
        }
    }

    private async Task ReconnectInBackgroundAsync(int failedEpoch)
    {
        try
        {
            for (int attempt = 1; _online && !_disposed.IsCancellationRequested; attempt++)
            {
                await Task.Delay(Backoff(Math.Min(attempt, 8)), _time, _disposed.Token).ConfigureAwait(false);
                if (Volatile.Read(ref _connectionEpoch) != failedEpoch)
                {
                    return;
                }

                if (await TryReconnectAsync(failedEpoch, _disposed.Token).ConfigureAwait(false))
                {
                    await RetryOutboxAsync(_disposed.Token).ConfigureAwait(false);
                    await _receipts.FlushAsync(_disposed.Token).ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (Exception e) when (e is MessagingException or OperationCanceledException or ObjectDisposedException)
        {
            ClientLog.BackgroundFailed(_logger, "reconnect", e);
        }
    }

    /// <summary>Runs network work that an incoming envelope triggers outside the receive loop, under the client's lifetime.</summary>
    private void InBackground(string what, Func<CancellationToken, ValueTask> work) => _ = Task.Run(async () =>
    {
        try
        {
            await work(_disposed.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MessagingException or ProtocolException or OperationCanceledException or ObjectDisposedException)
        {
            ClientLog.BackgroundFailed(_logger, what, e);
        }
    });

    private async Task ReplenishInBackgroundAsync()
    {
        try
        {
            await ReplenishPreKeysAsync(_disposed.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MessagingException or OperationCanceledException or ObjectDisposedException)
        {
            ClientLog.BackgroundFailed(_logger, "prekey replenishment", e);
        }
    }

    /// <summary>
    /// One delivered envelope: decrypt, decode, deduplicate on (sender account, content id), apply and store durably,
    /// then acknowledge to the relay, then queue the end-to-end delivery receipt. What cannot be decrypted is
    /// acknowledged after a (bounded) retry request; what is malformed or a duplicate is acknowledged and dropped.
    /// </summary>
    private async ValueTask HandleEnvelopeAsync(Envelope envelope, CancellationToken cancellationToken)
    {
        using System.Diagnostics.Activity? activity = ClientTelemetry.ActivitySource.StartActivity("E2EMessaging.Receive");
        activity?.SetTag("e2emessaging.envelope_type", envelope.Type.ToString());
        ProtocolAddress sender = envelope.Sender;
        ulong sequence = envelope.ServerSequence!.Value;
        byte[]? plaintext = null;
        Exception? failure = null;
        try
        {
            plaintext = await DecryptAsync(envelope, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ProtocolException or MessagingException)
        {
            failure = e;
        }

        if (failure is ProtocolException { Kind: ProtocolErrorKind.DuplicateMessage }
            && await _stores.Dedupe.ContainsAsync(sender.Name, envelope.ClientMessageId, cancellationToken).ConfigureAwait(false))
        {
            // A message already processed, delivered again: its keys are gone, which is how we know.
            _telemetry.Duplicates.Add(1);
            ClientLog.Duplicate(_logger, envelope.ClientMessageId, sender);
            await AcknowledgeAsync(sequence, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (plaintext is null)
        {
            _telemetry.DecryptionFailures.Add(1);
            string kind = failure is ProtocolException p ? p.Kind.ToString() : (failure as MessagingException)?.Kind.ToString() ?? "unknown";
            ClientLog.DecryptionFailed(_logger, envelope.ClientMessageId, sender, kind);
            // The client's lifetime token, not the connection's: a reconnect during the request must not cancel it.
            if (envelope.Type != EnvelopeType.PlaintextReceipt && !await RequestRetryAsync(envelope, _disposed.Token).ConfigureAwait(false))
            {
                // The request could not go out: leave the envelope in the inbox. It comes again on the next
                // connection, when its sender key (if it was only late) may be here, or the request can be sent.
                return;
            }

            await AcknowledgeAsync(sequence, cancellationToken).ConfigureAwait(false);
            return;
        }

        MessageContent content;
        try
        {
            content = ContentCodec.Decode(plaintext);
            if (envelope.Type == EnvelopeType.PlaintextReceipt && content.Body is not RetryRequestBody)
            {
                throw new MessagingException(MessagingErrorKind.InvalidEncoding, "Only retry requests travel unencrypted.");
            }
        }
        catch (MessagingException e)
        {
            ClientLog.BadContent(_logger, envelope.ClientMessageId, sender, e.Kind);
            await AcknowledgeAsync(sequence, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (await _stores.Dedupe.ContainsAsync(sender.Name, content.Id, cancellationToken).ConfigureAwait(false))
        {
            _telemetry.Duplicates.Add(1);
            ClientLog.Duplicate(_logger, content.Id, sender);
            await AcknowledgeAsync(sequence, cancellationToken).ConfigureAwait(false);
            return;
        }

        string? receiptTo;
        Guid? receiptGroup;
        try
        {
            (receiptTo, receiptGroup) = await ApplyAsync(envelope, content, _disposed.Token).ConfigureAwait(false);
        }
        catch (MessagingException e) when (e.Kind is MessagingErrorKind.Disconnected or MessagingErrorKind.RateLimited or MessagingErrorKind.ServerError)
        {
            // Applying needed the network (a resend) and it is down: not acknowledged, so it comes again.
            ClientLog.BackgroundFailed(_logger, "apply", e);
            return;
        }

        await _stores.Dedupe.TryAddAsync(sender.Name, content.Id, Now, cancellationToken).ConfigureAwait(false);
        await AcknowledgeAsync(sequence, cancellationToken).ConfigureAwait(false);
        if (receiptTo is not null)
        {
            // The client's lifetime token, not the connection's: a full batch is sent inline, and a reconnect
            // during that send must not cancel it.
            await _receipts.DeliveredAsync(receiptTo, receiptGroup, content.Id, _disposed.Token).ConfigureAwait(false);
        }
    }

    private async ValueTask<byte[]> DecryptAsync(Envelope envelope, CancellationToken cancellationToken)
    {
        ReadOnlySpan<byte> ciphertext = envelope.Ciphertext.Span;
        switch (envelope.Type)
        {
            case EnvelopeType.PreKey:
                return await _sessions.DecryptAsync(envelope.Sender, PreKeySignalMessage.Deserialize(ciphertext), cancellationToken).ConfigureAwait(false);
            case EnvelopeType.Whisper:
                return await _sessions.DecryptAsync(envelope.Sender, SignalMessage.Deserialize(ciphertext), cancellationToken).ConfigureAwait(false);
            case EnvelopeType.SenderKey:
                SenderKeyMessage message = SenderKeyMessage.Deserialize(ciphertext);
                Guid? group = await _stores.Groups.GetRemoteDistributionGroupAsync(envelope.Sender, message.DistributionId, cancellationToken).ConfigureAwait(false);
                if (group is null)
                {
                    throw new ProtocolException(ProtocolErrorKind.NoSenderKeyState, "No sender key from this device for this distribution.");
                }

                return await _groups.DecryptAsync(envelope.Sender, message, cancellationToken).ConfigureAwait(false);
            default:
                return envelope.Ciphertext.ToArray();
        }
    }

    /// <summary>Applies a decoded content; returns to whom (and about which group) a delivery receipt goes, if any.</summary>
    private async ValueTask<(string? ReceiptTo, Guid? Group)> ApplyAsync(Envelope envelope, MessageContent content, CancellationToken cancellationToken)
    {
        ProtocolAddress sender = envelope.Sender;
        bool fromOwnAccount = sender.Name == Address.Name;
        switch (content.Body)
        {
            case DataBody data:
                if (fromOwnAccount && data.GroupId is null)
                {
                    return (null, null);
                }

                ConversationId conversation;
                if (data.GroupId is { } groupId)
                {
                    if (!await IsSenderKeyForGroupAsync(envelope, groupId, cancellationToken).ConfigureAwait(false))
                    {
                        return (null, null);
                    }

                    conversation = ConversationId.Group(groupId);
                }
                else
                {
                    if (envelope.Type == EnvelopeType.SenderKey)
                    {
                        return (null, null);
                    }

                    conversation = ConversationId.Direct(sender.Name);
                }

                if (fromOwnAccount)
                {
                    // This account's group message from another of its devices: the one sender-key ciphertext
                    // reaches the account's own devices too, and serves as their sent transcript.
                    await StoreIncomingAsync(envelope, content, conversation, data.Message, MessageDirection.Outgoing, cancellationToken).ConfigureAwait(false);
                    return (null, null);
                }

                await StoreIncomingAsync(envelope, content, conversation, data.Message, MessageDirection.Incoming, cancellationToken).ConfigureAwait(false);
                return (sender.Name, data.GroupId);

            case SyncBody sync when fromOwnAccount:
                if (sync.GroupId is { } syncGroup && envelope.Type == EnvelopeType.SenderKey && !await IsSenderKeyForGroupAsync(envelope, syncGroup, cancellationToken).ConfigureAwait(false))
                {
                    return (null, null);
                }

                ConversationId target = sync.GroupId is { } g ? ConversationId.Group(g) : ConversationId.Direct(sync.Destination!);
                await StoreIncomingAsync(envelope, content, target, sync.Message, MessageDirection.Outgoing, cancellationToken).ConfigureAwait(false);
                return (null, null);

            case ReceiptBody receipt:
                int groupSize = 0;
                if (receipt.GroupId is { } receiptGroup && await _stores.Groups.GetGroupAsync(receiptGroup, cancellationToken).ConfigureAwait(false) is { } known)
                {
                    groupSize = known.Members.Count;
                }

                await _receiptProcessor.ApplyAsync(sender, receipt, groupSize, cancellationToken).ConfigureAwait(false);
                return (null, null);

            case SenderKeyDistributionBody distribution when envelope.Type is EnvelopeType.PreKey or EnvelopeType.Whisper:
                SenderKeyDistributionMessage skdm;
                try
                {
                    skdm = distribution.Parse();
                }
                catch (ProtocolException)
                {
                    return (null, null);
                }

                await _groups.ProcessDistributionMessageAsync(sender, skdm, cancellationToken).ConfigureAwait(false);
                await _stores.Groups.SaveRemoteDistributionAsync(sender, skdm.DistributionId, distribution.GroupId, cancellationToken).ConfigureAwait(false);
                return (null, null);

            case GroupUpdateBody update when envelope.Type is EnvelopeType.PreKey or EnvelopeType.Whisper:
                await ApplyGroupUpdateAsync(sender, update, cancellationToken).ConfigureAwait(false);
                return (null, null);

            case RetryRequestBody retry:
                await ServeRetryAsync(sender, retry.TargetId, cancellationToken).ConfigureAwait(false);
                return (null, null);

            case DeviceListUpdateBody:
                await _stores.Devices.RemoveAsync(sender.Name, cancellationToken).ConfigureAwait(false);
                return (null, null);

            default:
                return (null, null);
        }
    }

    /// <summary>True when a group message arrived over a channel bound to that group: a sender key distributed for it, or a pairwise session with a member.</summary>
    private async ValueTask<bool> IsSenderKeyForGroupAsync(Envelope envelope, Guid groupId, CancellationToken cancellationToken)
    {
        if (envelope.Type == EnvelopeType.SenderKey)
        {
            SenderKeyMessage message = SenderKeyMessage.Deserialize(envelope.Ciphertext.Span);
            Guid? bound = await _stores.Groups.GetRemoteDistributionGroupAsync(envelope.Sender, message.DistributionId, cancellationToken).ConfigureAwait(false);
            return bound == groupId;
        }

        GroupInfo? group = await _stores.Groups.GetGroupAsync(groupId, cancellationToken).ConfigureAwait(false);
        return group is null || group.IsMember(envelope.Sender.Name);
    }

    private async ValueTask StoreIncomingAsync(Envelope envelope, MessageContent content, ConversationId conversation, DataMessage message, MessageDirection direction, CancellationToken cancellationToken)
    {
        await ApplyEditOrDeleteAsync(envelope.Sender.Name, message, cancellationToken).ConfigureAwait(false);

        var stored = new StoredMessage(content.Id, conversation, envelope.Sender.Name, envelope.Sender.DeviceId, direction, content.Timestamp, message);
        if (await _stores.Messages.AddAsync(stored, cancellationToken).ConfigureAwait(false))
        {
            Search.Add(stored);
            _telemetry.MessagesReceived.Add(1);
            _received.Publish(new ReceivedMessage(content.Id, conversation, envelope.Sender, message, direction == MessageDirection.Outgoing, DateTimeOffset.FromUnixTimeMilliseconds(content.Timestamp), envelope.ServerTimestamp));
        }
    }

    /// <summary>
    /// An edit or a delete changes the author's earlier message — looked up under the author's own name, so nobody
    /// can change another's message — and is itself kept as a message of its own.
    /// </summary>
    private async ValueTask ApplyEditOrDeleteAsync(string author, DataMessage message, CancellationToken cancellationToken)
    {
        if (message.EditOf is { } edited && await _stores.Messages.GetAsync(author, edited, cancellationToken).ConfigureAwait(false) is { } original)
        {
            var changed = new DataMessage { Text = message.Text, Attachments = original.Message.Attachments, Quote = original.Message.Quote };
            await _stores.Messages.ReplaceAsync(new StoredMessage(original.Id, original.Conversation, author, original.AuthorDevice, original.Direction, original.Timestamp, changed), cancellationToken).ConfigureAwait(false);
        }

        if (message.DeleteOf is { } deleted && await _stores.Messages.GetAsync(author, deleted, cancellationToken).ConfigureAwait(false) is { } gone)
        {
            await _stores.Messages.ReplaceAsync(new StoredMessage(gone.Id, gone.Conversation, author, gone.AuthorDevice, gone.Direction, gone.Timestamp, new DataMessage()), cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask ApplyGroupUpdateAsync(ProtocolAddress sender, GroupUpdateBody update, CancellationToken cancellationToken)
    {
        GroupInfo? current = await _stores.Groups.GetGroupAsync(update.GroupId, cancellationToken).ConfigureAwait(false);
        if (current is not null && !current.IsMember(sender.Name))
        {
            return;
        }

        if (current is null && !update.Members.Contains(sender.Name, StringComparer.Ordinal))
        {
            return;
        }

        var updated = new GroupInfo(update.GroupId, update.Name, update.Members, update.Revision);
        if (!await _stores.Groups.SaveGroupAsync(updated, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        if (current is not null && current.Members.Except(updated.Members, StringComparer.Ordinal).Any())
        {
            await ExpireOwnSenderKeyAsync(update.GroupId, cancellationToken).ConfigureAwait(false);
        }

        Raise(ClientEventKind.GroupUpdated, $"group {update.GroupId:D} revision {update.Revision}: {updated.Members.Count} members");
    }

    private async ValueTask AcknowledgeAsync(ulong sequence, CancellationToken cancellationToken)
    {
        try
        {
            await _transport.AcknowledgeAsync([sequence], cancellationToken).ConfigureAwait(false);
        }
        catch (MessagingException e) when (e.Kind == MessagingErrorKind.Disconnected)
        {
            // Not acknowledged: the relay sends it again on the next connection, and dedupe drops it then.
        }
    }

    /// <summary>Asks the sender to encrypt the message again (bounded per message). The request travels unencrypted: the session may be what broke.</summary>
    private async ValueTask<bool> RequestRetryAsync(Envelope envelope, CancellationToken cancellationToken)
    {
        (string, ClientMessageId) key = (envelope.Sender.Name, envelope.ClientMessageId);
        if (_retryRequestsSent.TryGetValue(key, out int sent) && sent >= _options.MaxRetryRequests)
        {
            return true; // asked enough: give the message up
        }

        ClientMessageId id = _ids.Next();
        DateTimeOffset now = Now;
        byte[] request = ContentCodec.Encode(new MessageContent(id, now.ToUnixTimeMilliseconds(), new RetryRequestBody(envelope.ClientMessageId)));
        try
        {
            for (int round = 0; round <= _options.MaxDeviceMismatchRounds; round++)
            {
                var envelopes = new List<OutgoingEnvelope>();
                foreach ((ProtocolAddress device, uint registrationId) in await DevicesOfAsync(envelope.Sender.Name, cancellationToken).ConfigureAwait(false))
                {
                    envelopes.Add(new OutgoingEnvelope(device, registrationId, EnvelopeType.PlaintextReceipt, request));
                }

                if (envelopes.Count == 0)
                {
                    return true;
                }

                SubmitResult? result = await SubmitWithRetriesAsync(new SubmitRequest(id, now, envelopes), cancellationToken).ConfigureAwait(false);
                if (result is null)
                {
                    return false;
                }

                if (result.Outcome == SubmitOutcome.Accepted)
                {
                    _retryRequestsSent.AddOrUpdate(key, 1, (_, n) => n + 1);
                    Raise(ClientEventKind.RetryRequested, $"{Address} asked {envelope.Sender} to resend {envelope.ClientMessageId}");
                    return true;
                }

                await FixDeviceMismatchAsync(id, result, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (MessagingException e)
        {
            ClientLog.BackgroundFailed(_logger, "retry request", e);
            return false;
        }
    }

    /// <summary>
    /// Another device could not decrypt a message this device sent: rebuild the pairwise session with it (and, for a
    /// group message, send it the sender key again), then send the same content (same id, so its dedupe holds) in a
    /// new envelope to that account's devices. Bounded per (requesting device, message).
    /// </summary>
    private async ValueTask ServeRetryAsync(ProtocolAddress requester, ClientMessageId target, CancellationToken cancellationToken)
    {
        StoredMessage? original = await _stores.Messages.GetAsync(Address.Name, target, cancellationToken).ConfigureAwait(false);
        if (original is null || original.AuthorDevice != Address.DeviceId || requester.Equals(Address))
        {
            return;
        }

        if (_resendsServed.TryGetValue((requester, target), out int served) && served >= _options.MaxRetryRequests)
        {
            return;
        }

        {
            Guid? groupId = original.Conversation.IsGroup ? original.Conversation.GroupId : null;
            if (groupId is { } group)
            {
                if (await _stores.Groups.GetGroupAsync(group, cancellationToken).ConfigureAwait(false) is not { } info || !info.IsMember(requester.Name))
                {
                    return;
                }

                if (await _stores.Groups.GetOwnSenderKeyAsync(group, cancellationToken).ConfigureAwait(false) is { } key)
                {
                    SenderKeyDistributionMessage distribution = await _groups.CreateDistributionMessageAsync(Address, key.DistributionId, cancellationToken).ConfigureAwait(false);
                    ClientMessageId skdmId = _ids.Next();
                    byte[] skdm = ContentCodec.Encode(new MessageContent(skdmId, Now.ToUnixTimeMilliseconds(), new SenderKeyDistributionBody(group, distribution.Serialize())));
                    await SubmitPairwiseAsync(skdmId, Now, [requester.Name], _ => skdm, default, cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                await ArchiveSessionAsync(requester, cancellationToken).ConfigureAwait(false);
            }

            byte[] content = requester.Name == Address.Name
                ? ContentCodec.Encode(new MessageContent(target, original.Timestamp, new SyncBody(original.Conversation.Peer, groupId, original.Message)))
                : ContentCodec.Encode(new MessageContent(target, original.Timestamp, new DataBody(original.Message, groupId)));
            ClientMessageId envelopeId = _ids.Next();
            if (await SubmitPairwiseAsync(envelopeId, Now, [requester.Name], _ => content, default, cancellationToken).ConfigureAwait(false) is null)
            {
                throw new MessagingException(MessagingErrorKind.Disconnected, "The resend could not reach the relay.");
            }

            _resendsServed.AddOrUpdate((requester, target), 1, (_, n) => n + 1);
            ClientLog.Resent(_logger, target, requester);
            Raise(ClientEventKind.MessageResent, $"{Address} resent {target} to {requester}");
        }
    }

    /// <summary>Sends one batched receipt to every device of its recipient account.</summary>
    private async ValueTask SendReceiptAsync(Receipts.ReceiptBatch batch, CancellationToken cancellationToken)
    {
        ClientMessageId id = _ids.Next();
        DateTimeOffset now = Now;
        byte[] content = ContentCodec.Encode(new MessageContent(id, now.ToUnixTimeMilliseconds(), batch.ToBody()));
        await SubmitPairwiseAsync(id, now, [batch.To], _ => content, default, cancellationToken).ConfigureAwait(false);
    }
}
