using System.Diagnostics;
using System.Security.Cryptography;
using E2EMessaging.Protocol;
using E2EMessaging.Relay.Stores;
using E2EMessaging.Wire;
using Proto = E2EMessaging.Proto;

namespace E2EMessaging.Relay;

/// <summary>Submit: validate, deduplicate, check the device set, persist every envelope, then ack (tick 1), then deliver.</summary>
public sealed partial class RelayServer
{
    private async ValueTask<SubmitResult> SubmitAsync(ProtocolAddress sender, Proto.SubmitRequest proto, CancellationToken cancellationToken)
    {
        SubmitRequest request;
        try
        {
            request = SubmitRequest.FromProto(proto);
        }
        catch (MessagingException e)
        {
            return Refused(sender, default, e.Kind, e.Message);
        }

        Activity.Current?.SetTag("e2emessaging.recipients", request.Envelopes.Count);
        if (request.Envelopes.Count > _options.MaxRecipientsPerSubmit)
        {
            return Refused(sender, request.ClientMessageId, MessagingErrorKind.TooManyRecipients, $"A submit may name {_options.MaxRecipientsPerSubmit} devices; this one names {request.Envelopes.Count}.");
        }

        if (request.Envelopes.Any(e => e.Recipient.Equals(sender)))
        {
            return Refused(sender, request.ClientMessageId, MessagingErrorKind.InvalidEncoding, "A device does not send to itself.");
        }

        List<ProtocolAddress> delivered;
        SubmitResult result;
        using (await _senderLocks.AcquireAsync(sender, cancellationToken).ConfigureAwait(false))
        {
            // 1. A retry of an accepted submit gets the original ack; the same id with other content is a conflict.
            DedupeEntry? previous = await _dedupe.GetAsync(sender, request.ClientMessageId, cancellationToken).ConfigureAwait(false);
            if (previous is not null)
            {
                if (CryptographicOperations.FixedTimeEquals(previous.ContentDigest.Span, request.ContentDigest))
                {
                    _metrics.Submits.Add(1, new KeyValuePair<string, object?>("outcome", "duplicate"));
                    return SubmitResult.Accepted(previous.Receipts);
                }

                return Refused(sender, request.ClientMessageId, MessagingErrorKind.ConflictingDuplicate, "This ClientMessageId was already accepted with different content.");
            }

            // 2. Metadata-only rate limits: messages and fan-out breadth per sender account.
            if (_rateLimiter.Check(sender.Name, request.Envelopes.Count) is { } retryAfter)
            {
                return Refused(sender, request.ClientMessageId, MessagingErrorKind.RateLimited, "The sender is over its rate limit.", retryAfter);
            }

            // 3. The client's device set must be the directory's.
            if (await CheckDeviceSetAsync(sender, request, cancellationToken).ConfigureAwait(false) is { } mismatch)
            {
                _metrics.Submits.Add(1, new KeyValuePair<string, object?>("outcome", "device_mismatch"));
                return mismatch;
            }

            // 4. Inbox caps, checked before anything is written so that a refusal stores nothing.
            foreach (OutgoingEnvelope envelope in request.Envelopes)
            {
                if (await _inbox.CountAsync(envelope.Recipient, cancellationToken).ConfigureAwait(false) >= _options.MaxInboxEnvelopes)
                {
                    return Refused(sender, request.ClientMessageId, MessagingErrorKind.InboxFull, $"The inbox of {envelope.Recipient} is full.");
                }
            }

            // 5. Persist each envelope in its inbox, in the submit's order; only then ack.
            DateTimeOffset now = _time.GetUtcNow();
            var receipts = new List<EnvelopeReceipt>(request.Envelopes.Count);
            foreach (OutgoingEnvelope outgoing in request.Envelopes)
            {
                var envelope = new Envelope(request.ClientMessageId, sender, outgoing.Recipient, outgoing.Type, request.GroupId, request.ClientTimestamp, outgoing.Ciphertext);
                Envelope stored = await _inbox.AppendAsync(outgoing.Recipient, envelope, now, cancellationToken).ConfigureAwait(false);
                receipts.Add(new EnvelopeReceipt(outgoing.Recipient, stored.ServerSequence!.Value, now));
            }

            await _dedupe.TryAddAsync(new DedupeEntry(sender, request.ClientMessageId, request.ContentDigest.ToArray(), receipts, now), cancellationToken).ConfigureAwait(false);
            _rateLimiter.Record(sender.Name, request.Envelopes.Count);
            _metrics.Submits.Add(1, new KeyValuePair<string, object?>("outcome", "accepted"));
            _metrics.EnvelopesStored.Add(receipts.Count);
            Log.SubmitAccepted(_logger, request.ClientMessageId, sender, receipts.Count);
            delivered = request.Envelopes.Select(e => e.Recipient).ToList();
            result = SubmitResult.Accepted(receipts);
        }

        // 6. Delivery attempt: push to connected devices, wake the others.
        foreach (ProtocolAddress recipient in delivered)
        {
            if (Connections.Find(recipient) is { } connection)
            {
                connection.Notify();
            }
            else
            {
                await WakeAsync(recipient, cancellationToken).ConfigureAwait(false);
            }
        }

        return result;
    }

    private async ValueTask<SubmitResult?> CheckDeviceSetAsync(ProtocolAddress sender, SubmitRequest request, CancellationToken cancellationToken)
    {
        var directory = new List<(ProtocolAddress Device, uint RegistrationId)>();
        foreach (string account in request.Envelopes.Select(e => e.Recipient.Name).Distinct(StringComparer.Ordinal))
        {
            IReadOnlyList<DeviceInfo> devices = await _devices.GetDevicesAsync(account, cancellationToken).ConfigureAwait(false);
            directory.AddRange(devices
                .Select(d => (new ProtocolAddress(account, d.DeviceId), d.RegistrationId))
                .Where(d => !d.Item1.Equals(sender)));
        }

        if (CryptographicOperations.FixedTimeEquals(DeviceSetHash.Compute(directory), request.DeviceSetHash.Span))
        {
            return null;
        }

        var known = directory.ToDictionary(d => d.Device, d => d.RegistrationId);
        var submitted = request.Envelopes.ToDictionary(e => e.Recipient, e => e.RegistrationId);
        return SubmitResult.Mismatch(
            known.Keys.Where(d => !submitted.ContainsKey(d)),
            submitted.Keys.Where(d => !known.ContainsKey(d)),
            submitted.Where(s => known.TryGetValue(s.Key, out uint registrationId) && registrationId != s.Value).Select(s => s.Key));
    }

    private SubmitResult Refused(ProtocolAddress sender, ClientMessageId id, MessagingErrorKind kind, string message, TimeSpan? retryAfter = null)
    {
        _metrics.Submits.Add(1, new KeyValuePair<string, object?>("outcome", "refused"));
        _metrics.Refusals.Add(1, new KeyValuePair<string, object?>("kind", kind.ToString()));
        Log.SubmitRefused(_logger, id, sender, kind);
        return SubmitResult.Refused(kind, message, retryAfter);
    }

    private async ValueTask WakeAsync(ProtocolAddress device, CancellationToken cancellationToken)
    {
        _metrics.WakeUps.Add(1);
        try
        {
            await _push.WakeAsync(device, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A failed wake-up is not a failed submit: the envelope is persisted and waits.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.WakeUpFailed(_logger, device, e);
        }
    }
}
