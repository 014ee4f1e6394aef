using E2EMessaging.Protocol;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Transport;
using E2EMessaging.Wire;
using Proto = E2EMessaging.Proto;

namespace E2EMessaging.Relay;

/// <summary>Device authentication and the device directory.</summary>
public sealed partial class RelayServer
{
    private byte[] NewChallenge(RelayConnection connection)
    {
        var challenge = new byte[WireLimits.ChallengeLength];
        _random.Fill(challenge);
        connection.AddChallenge(challenge);
        return challenge;
    }

    private async ValueTask AuthenticateAsync(RelayConnection connection, Proto.Authenticate request, CancellationToken cancellationToken)
    {
        ProtocolAddress device = WireCodec.ReadAddress(request.Device, "authenticating");
        List<byte[]> challenges = connection.TakeChallenges();
        if (challenges.Count == 0)
        {
            throw Fail(device, "Ask for a challenge first; each challenge answers one attempt.");
        }

        if (connection.Device is not null)
        {
            throw Refuse(MessagingErrorKind.Forbidden, "The connection is already authenticated.");
        }

        DeviceInfo? known = await _devices.GetDeviceAsync(device, cancellationToken).ConfigureAwait(false);

        // An unknown device and a bad signature get the same answer, so the answer does not reveal which devices exist.
        if (known is null || !challenges.Exists(c => DeviceAuthentication.Verify(known.IdentityKey, device, c, request.Signature.Span)))
        {
            throw Fail(device, "The device is unknown or the signature does not verify.");
        }

        Admit(connection, device);
    }

    private async ValueTask RegisterAccountAsync(RelayConnection connection, Proto.RegisterAccount request, CancellationToken cancellationToken)
    {
        string account = RelayFrames.CheckedAccount(request.Account);
        var device = new ProtocolAddress(account, 1);
        PublicKey identityKey = RelayFrames.ReadPublicKey(request.IdentityKey, "identity key");
        List<byte[]> challenges = connection.TakeChallenges();
        if (challenges.Count == 0)
        {
            throw Fail(device, "Ask for a challenge first; each challenge answers one attempt.");
        }

        if (connection.Device is not null)
        {
            throw Refuse(MessagingErrorKind.Forbidden, "The connection is already authenticated.");
        }

        if (!challenges.Exists(c => DeviceAuthentication.Verify(identityKey, device, c, request.Signature.Span)))
        {
            throw Fail(device, "The signature does not verify with the identity key being registered.");
        }

        if (await _devices.TryCreateAccountAsync(account, new DeviceInfo(1, request.RegistrationId, identityKey), cancellationToken).ConfigureAwait(false))
        {
            Log.AccountRegistered(_logger, account);
        }
        else
        {
            // A retry of this very registration (its answer was lost) succeeds again; anyone else's is a conflict.
            DeviceInfo? existing = await _devices.GetDeviceAsync(device, cancellationToken).ConfigureAwait(false);
            if (existing is null || existing.RegistrationId != request.RegistrationId || !existing.IdentityKey.Equals(identityKey))
            {
                throw Refuse(MessagingErrorKind.Conflict, "The account exists.");
            }
        }

        Admit(connection, device);
    }

    private void Admit(RelayConnection connection, ProtocolAddress device)
    {
        if (!connection.TryAuthenticate(device, RunDeliveryAsync))
        {
            throw Refuse(MessagingErrorKind.Forbidden, "The connection is already authenticated, or closed.");
        }

        Connections.Add(device, connection);
        _metrics.Authentications.Add(1, new KeyValuePair<string, object?>("result", "success"));
        Log.Authenticated(_logger, device);
    }

    private MessagingException Fail(ProtocolAddress device, string reason)
    {
        _metrics.Authentications.Add(1, new KeyValuePair<string, object?>("result", "failure"));
        Log.AuthenticationFailed(_logger, device, reason);
        return Refuse(MessagingErrorKind.Unauthenticated, reason);
    }

    private async ValueTask<ProtocolAddress> LinkDeviceAsync(ProtocolAddress linker, Proto.LinkDevice request, CancellationToken cancellationToken)
    {
        PublicKey identityKey = RelayFrames.ReadPublicKey(request.IdentityKey, "identity key");

        // A retry of this very link (its answer was lost) names the device it created, rather than a second one.
        IReadOnlyList<DeviceInfo> devices = await _devices.GetDevicesAsync(linker.Name, cancellationToken).ConfigureAwait(false);
        if (devices.FirstOrDefault(d => d.RegistrationId == request.RegistrationId && d.IdentityKey.Equals(identityKey)) is { } linkedBefore)
        {
            return new ProtocolAddress(linker.Name, linkedBefore.DeviceId);
        }

        uint? deviceId = await _devices.TryAddDeviceAsync(linker.Name, request.RegistrationId, identityKey, cancellationToken).ConfigureAwait(false)
            ?? throw Refuse(MessagingErrorKind.TooLarge, $"The account has used all {WireLimits.MaxDevicesPerAccount} device ids.");
        var linked = new ProtocolAddress(linker.Name, deviceId.Value);
        Log.DeviceLinked(_logger, linked);
        return linked;
    }

    private async ValueTask UnlinkDeviceAsync(ProtocolAddress requester, Proto.UnlinkDevice request, CancellationToken cancellationToken)
    {
        if (!WireCodec.IsValidDeviceId(request.DeviceId))
        {
            throw Refuse(MessagingErrorKind.InvalidEncoding, $"Device id {request.DeviceId} is outside 1–127.");
        }

        var device = new ProtocolAddress(requester.Name, request.DeviceId);
        if (!await _devices.RemoveDeviceAsync(device, cancellationToken).ConfigureAwait(false))
        {
            throw Refuse(MessagingErrorKind.NotFound, $"The account has no device {request.DeviceId}.");
        }

        await _inbox.DeleteInboxAsync(device, cancellationToken).ConfigureAwait(false);
        await _prekeys.DeleteAsync(device, cancellationToken).ConfigureAwait(false);
        Connections.Find(device)?.Close();
        Log.DeviceUnlinked(_logger, device);
    }

    private async ValueTask<Proto.Devices> FetchDevicesAsync(Proto.FetchDevices request, CancellationToken cancellationToken)
    {
        string account = RelayFrames.CheckedAccount(request.Account);
        IReadOnlyList<DeviceInfo> devices = await _devices.GetDevicesAsync(account, cancellationToken).ConfigureAwait(false);
        if (devices.Count == 0)
        {
            throw Refuse(MessagingErrorKind.NotFound, "No such account.");
        }

        var answer = new Proto.Devices();
        answer.Items.AddRange(devices.Select(RelayFrames.WriteDevice));
        return answer;
    }
}
