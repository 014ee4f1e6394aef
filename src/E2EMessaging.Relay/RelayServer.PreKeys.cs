using E2EMessaging.Protocol;
using E2EMessaging.Relay.Stores;
using E2EMessaging.Transport;
using E2EMessaging.Wire;
using Proto = E2EMessaging.Proto;

namespace E2EMessaging.Relay;

/// <summary>The prekey directory: uploads (signature-checked), bundle fetches (atomic one-time consumption), low-count notices.</summary>
public sealed partial class RelayServer
{
    private async ValueTask<PreKeyCounts> UploadPreKeysAsync(ProtocolAddress device, Proto.UploadPreKeys request, CancellationToken cancellationToken)
    {
        PreKeyUpload upload = RelayFrames.ReadUpload(request);
        DeviceInfo owner = await _devices.GetDeviceAsync(device, cancellationToken).ConfigureAwait(false)
            ?? throw Refuse(MessagingErrorKind.Unauthenticated, "The device is no longer registered.");

        // A bundle whose signatures fail would be refused by every client; refuse it here so it never displaces good keys.
        if (upload.SignedPreKey is { } signed && !owner.IdentityKey.VerifySignature(signed.PublicKey.Serialize(), signed.Signature.Span))
        {
            throw Refuse(MessagingErrorKind.InvalidSignature, $"The signature on signed prekey {signed.Id} does not verify.");
        }

        foreach (PublishedKyberPreKey kyber in upload.OneTimeKyberPreKeys.Concat(upload.LastResortKyberPreKey is { } l ? [l] : []))
        {
            if (!owner.IdentityKey.VerifySignature(kyber.PublicKey.Serialize(), kyber.Signature.Span))
            {
                throw Refuse(MessagingErrorKind.InvalidSignature, $"The signature on Kyber prekey {kyber.Id} does not verify.");
            }
        }

        await _prekeys.StoreAsync(device, upload, cancellationToken).ConfigureAwait(false);
        return await _prekeys.GetCountsAsync(device, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<Proto.Bundles> FetchBundlesAsync(ProtocolAddress requester, Proto.FetchBundles request, CancellationToken cancellationToken)
    {
        string account = RelayFrames.CheckedAccount(request.Account);
        IReadOnlyList<DeviceInfo> devices = await _devices.GetDevicesAsync(account, cancellationToken).ConfigureAwait(false);
        if (request.DeviceId != 0)
        {
            devices = devices.Where(d => d.DeviceId == request.DeviceId).ToList();
        }

        if (devices.Count == 0)
        {
            throw Refuse(MessagingErrorKind.NotFound, request.DeviceId == 0 ? "No such account." : $"No such device {request.DeviceId}.");
        }

        // Each bundle spends one of the target's one-time prekeys: limit how fast one account can take them.
        if (!string.Equals(requester.Name, account, StringComparison.Ordinal) && _rateLimiter.TakeBundles(requester.Name, account, devices.Count) is { } retryAfter)
        {
            throw Refuse(MessagingErrorKind.RateLimited, "Too many prekey bundles fetched; try again later.", retryAfter);
        }

        var answer = new Proto.Bundles();
        foreach (DeviceInfo device in devices)
        {
            var address = new ProtocolAddress(account, device.DeviceId);
            PreKeyTake? take = await _prekeys.TakeAsync(address, cancellationToken).ConfigureAwait(false);
            if (take is null)
            {
                continue; // a device that has not published prekeys yet cannot be reached by a new session
            }

            _metrics.PreKeysServed.Add(1, new KeyValuePair<string, object?>("kyber", take.KyberIsLastResort ? "last_resort" : "one_time"));
            answer.Items.Add(new Proto.Bundle
            {
                DeviceId = device.DeviceId,
                RegistrationId = device.RegistrationId,
                IdentityKey = WireCodec.Own(device.IdentityKey.Serialize()),
                SignedPreKey = new Proto.SignedPreKey { Id = take.SignedPreKey.Id, PublicKey = WireCodec.Own(take.SignedPreKey.PublicKey.Serialize()), Signature = WireCodec.Bytes(take.SignedPreKey.Signature) },
                KyberPreKey = RelayFrames.WriteKyber(take.KyberPreKey),
                OneTimePreKey = take.OneTimePreKey is { } oneTime ? new Proto.OneTimePreKey { Id = oneTime.Id, PublicKey = WireCodec.Own(oneTime.PublicKey.Serialize()) } : null,
            });
            await NoticeLowPreKeysAsync(address, cancellationToken).ConfigureAwait(false);
        }

        if (answer.Items.Count == 0)
        {
            throw Refuse(MessagingErrorKind.NotFound, "No device of the account has published prekeys.");
        }

        return answer;
    }

    private async ValueTask NoticeLowPreKeysAsync(ProtocolAddress device, CancellationToken cancellationToken)
    {
        PreKeyCounts counts = await _prekeys.GetCountsAsync(device, cancellationToken).ConfigureAwait(false);
        if (counts.OneTimePreKeys < _options.PreKeyLowThreshold || counts.OneTimeKyberPreKeys < _options.PreKeyLowThreshold)
        {
            // Best effort: a device that is offline, or whose push buffer is full, learns it from its next upload's answer.
            Connections.Find(device)?.TryPush(RelayFrames.PushPreKeysLow(counts));
        }
    }
}
