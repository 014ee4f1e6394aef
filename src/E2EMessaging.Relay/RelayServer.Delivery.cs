using E2EMessaging.Protocol;
using E2EMessaging.Transport;
using E2EMessaging.Wire;
using Proto = E2EMessaging.Proto;

namespace E2EMessaging.Relay;

/// <summary>Delivery: drain the inbox in order on connect, push what arrives later, delete on the device's ack.</summary>
public sealed partial class RelayServer
{
    /// <summary>
    /// The one writer of envelopes to a connection: reads the inbox in sequence order from the start (everything not yet
    /// acknowledged, so earlier connections' unacked envelopes are redelivered), then waits for notifications.
    /// </summary>
    private async Task RunDeliveryAsync(RelayConnection connection, ProtocolAddress device, CancellationToken closed)
    {
        ulong after = 0;
        bool drained = false;
        try
        {
            while (!closed.IsCancellationRequested)
            {
                IReadOnlyList<Envelope> batch = await _inbox.ReadAsync(device, after, RelayLimits.DeliveryBatchSize, closed).ConfigureAwait(false);
                DateTimeOffset cutoff = _time.GetUtcNow() - _options.InboxRetention;
                var expired = new List<ulong>();
                foreach (Envelope envelope in batch)
                {
                    after = envelope.ServerSequence!.Value;
                    if (envelope.ServerTimestamp < cutoff)
                    {
                        expired.Add(after); // retention applies at read time too, not only at the sweep
                        continue;
                    }

                    await connection.PushAsync(RelayFrames.Push(envelope), closed).ConfigureAwait(false);
                    _metrics.EnvelopesDelivered.Add(1);
                }

                if (expired.Count > 0)
                {
                    _metrics.EnvelopesExpired.Add(await _inbox.DeleteAsync(device, expired, closed).ConfigureAwait(false));
                }

                if (batch.Count == RelayLimits.DeliveryBatchSize)
                {
                    continue;
                }

                if (!drained)
                {
                    drained = true;
                    await connection.PushAsync(RelayFrames.PushQueueEmpty(), closed).ConfigureAwait(false);
                }

                if (!await connection.WaitForNotificationAsync(closed).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (closed.IsCancellationRequested)
        {
        }
        catch (System.Threading.Channels.ChannelClosedException)
        {
        }
#pragma warning disable CA1031 // A store failure ends this connection's delivery; the envelopes stay for the next one.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.DeliveryFailed(_logger, device, e);
            connection.Close();
        }
    }

    private async ValueTask AcknowledgeAsync(ProtocolAddress device, Proto.Acknowledge request, CancellationToken cancellationToken)
    {
        if (request.ServerSequences.Count > WireLimits.MaxAcksPerRequest)
        {
            throw Refuse(MessagingErrorKind.TooLarge, $"At most {WireLimits.MaxAcksPerRequest} sequences per acknowledgement.");
        }

        // The inbox is the authenticated device's own: there is no way to name another's.
        int deleted = await _inbox.DeleteAsync(device, request.ServerSequences, cancellationToken).ConfigureAwait(false);
        _metrics.EnvelopesAcknowledged.Add(deleted);
    }
}
