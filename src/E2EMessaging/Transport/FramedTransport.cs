using System.Runtime.CompilerServices;
using E2EMessaging.Protocol;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.PreKeys;
using E2EMessaging.Wire;
using Google.Protobuf;
using Proto = E2EMessaging.Proto;

namespace E2EMessaging.Transport;

/// <summary>
/// An <see cref="ITransport"/> over any channel that carries the relay's frames (docs/wire-format.md, "Relay
/// frames"): derive from it and supply the connection, one request/answer exchange and the stream of pushed
/// frames; this class does the encoding, the checks on everything the relay sends, and the error mapping.
/// </summary>
public abstract class FramedTransport : ITransport
{
    private long _lastRequestId;

    /// <summary>Creates the transport.</summary>
    protected FramedTransport()
    {
    }

    /// <inheritdoc />
    public abstract ValueTask ConnectAsync(CancellationToken cancellationToken = default);

    /// <inheritdoc />
    public abstract ValueTask DisposeAsync();

    /// <summary>
    /// Sends one request frame and returns the relay's answer to it (the frame whose request id matches).
    /// Throws <see cref="MessagingException"/> with <see cref="MessagingErrorKind.Disconnected"/> if the connection drops first.
    /// </summary>
    protected abstract ValueTask<ReadOnlyMemory<byte>> ExchangeAsync(ReadOnlyMemory<byte> requestFrame, CancellationToken cancellationToken);

    /// <summary>The frames the relay pushes (request id 0) on the current connection; ends when it drops or closes.</summary>
    protected abstract IAsyncEnumerable<ReadOnlyMemory<byte>> ReadPushedFramesAsync(CancellationToken cancellationToken);

    /// <inheritdoc />
    public async ValueTask<ReadOnlyMemory<byte>> GetChallengeAsync(CancellationToken cancellationToken = default)
    {
        Proto.ServerFrame answer = await SendAsync(new Proto.ClientFrame { GetChallenge = new Proto.GetChallenge() }, Proto.ServerFrame.BodyOneofCase.Challenge, cancellationToken).ConfigureAwait(false);
        if (answer.Challenge.Nonce.Length != WireLimits.ChallengeLength)
        {
            WireThrow.Invalid($"The relay's challenge is {answer.Challenge.Nonce.Length} bytes; it is {WireLimits.ChallengeLength}.");
        }

        return answer.Challenge.Nonce.Memory;
    }

    /// <inheritdoc />
    public async ValueTask AuthenticateAsync(ProtocolAddress device, ReadOnlyMemory<byte> signature, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        var request = new Proto.Authenticate { Device = WireCodec.WriteAddress(device), Signature = WireCodec.Bytes(signature) };
        await SendAsync(new Proto.ClientFrame { Authenticate = request }, Proto.ServerFrame.BodyOneofCase.Ok, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask RegisterAccountAsync(string account, uint registrationId, PublicKey identityKey, ReadOnlyMemory<byte> signature, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(account);
        ArgumentNullException.ThrowIfNull(identityKey);
        var request = new Proto.RegisterAccount
        {
            Account = account,
            RegistrationId = registrationId,
            IdentityKey = WireCodec.Own(identityKey.Serialize()),
            Signature = WireCodec.Bytes(signature),
        };
        await SendAsync(new Proto.ClientFrame { RegisterAccount = request }, Proto.ServerFrame.BodyOneofCase.Ok, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<ProtocolAddress> LinkDeviceAsync(uint registrationId, PublicKey identityKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identityKey);
        var request = new Proto.LinkDevice { RegistrationId = registrationId, IdentityKey = WireCodec.Own(identityKey.Serialize()) };
        Proto.ServerFrame answer = await SendAsync(new Proto.ClientFrame { LinkDevice = request }, Proto.ServerFrame.BodyOneofCase.LinkedDevice, cancellationToken).ConfigureAwait(false);
        return WireCodec.ReadAddress(answer.LinkedDevice.Device, "linked device");
    }

    /// <inheritdoc />
    public async ValueTask UnlinkDeviceAsync(uint deviceId, CancellationToken cancellationToken = default)
    {
        await SendAsync(new Proto.ClientFrame { UnlinkDevice = new Proto.UnlinkDevice { DeviceId = deviceId } }, Proto.ServerFrame.BodyOneofCase.Ok, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<PreKeyCounts> UploadPreKeysAsync(PreKeyUpload upload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(upload);
        Proto.ServerFrame answer = await SendAsync(new Proto.ClientFrame { UploadPreKeys = RelayFrames.WriteUpload(upload) }, Proto.ServerFrame.BodyOneofCase.PreKeyCounts, cancellationToken).ConfigureAwait(false);
        return RelayFrames.ReadCounts(answer.PreKeyCounts);
    }

    /// <inheritdoc />
    public async ValueTask<PreKeyCounts> GetPreKeyCountsAsync(CancellationToken cancellationToken = default)
    {
        Proto.ServerFrame answer = await SendAsync(new Proto.ClientFrame { GetPreKeyCounts = new Proto.GetPreKeyCounts() }, Proto.ServerFrame.BodyOneofCase.PreKeyCounts, cancellationToken).ConfigureAwait(false);
        return RelayFrames.ReadCounts(answer.PreKeyCounts);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<PreKeyBundle>> FetchPreKeyBundlesAsync(string account, uint? deviceId = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(account);
        var request = new Proto.FetchBundles { Account = account, DeviceId = deviceId ?? 0 };
        Proto.ServerFrame answer = await SendAsync(new Proto.ClientFrame { FetchBundles = request }, Proto.ServerFrame.BodyOneofCase.Bundles, cancellationToken).ConfigureAwait(false);
        if (answer.Bundles.Items.Count > WireLimits.MaxDevicesPerAccount)
        {
            WireThrow.Kind(MessagingErrorKind.TooLarge, "The relay answered with more bundles than an account has devices.");
        }

        return answer.Bundles.Items.Select(RelayFrames.ReadBundle).ToList().AsReadOnly();
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<DeviceInfo>> FetchDevicesAsync(string account, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(account);
        Proto.ServerFrame answer = await SendAsync(new Proto.ClientFrame { FetchDevices = new Proto.FetchDevices { Account = account } }, Proto.ServerFrame.BodyOneofCase.Devices, cancellationToken).ConfigureAwait(false);
        if (answer.Devices.Items.Count > WireLimits.MaxDevicesPerAccount)
        {
            WireThrow.Kind(MessagingErrorKind.TooLarge, "The relay answered with more devices than an account may have.");
        }

        return answer.Devices.Items.Select(RelayFrames.ReadDevice).ToList().AsReadOnly();
    }

    /// <inheritdoc />
    public async ValueTask<SubmitResult> SubmitAsync(SubmitRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Proto.ServerFrame answer = await SendAsync(new Proto.ClientFrame { Submit = request.ToProto() }, Proto.ServerFrame.BodyOneofCase.SubmitResult, cancellationToken).ConfigureAwait(false);
        return SubmitResult.FromProto(answer.SubmitResult);
    }

    /// <inheritdoc />
    public async ValueTask AcknowledgeAsync(IReadOnlyList<ulong> serverSequences, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(serverSequences);
        for (int start = 0; start < serverSequences.Count; start += WireLimits.MaxAcksPerRequest)
        {
            var request = new Proto.Acknowledge();
            request.ServerSequences.AddRange(serverSequences.Skip(start).Take(WireLimits.MaxAcksPerRequest));
            await SendAsync(new Proto.ClientFrame { Acknowledge = request }, Proto.ServerFrame.BodyOneofCase.Ok, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<IncomingFrame> ReceiveAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (ReadOnlyMemory<byte> bytes in ReadPushedFramesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (RelayFrames.ReadPush(RelayFrames.ParseServerFrame(bytes.Span)) is { } frame)
            {
                yield return frame;
            }
        }
    }

    private async ValueTask<Proto.ServerFrame> SendAsync(Proto.ClientFrame frame, Proto.ServerFrame.BodyOneofCase expected, CancellationToken cancellationToken)
    {
        frame.Version = WireLimits.CurrentVersion;
        frame.RequestId = (ulong)Interlocked.Increment(ref _lastRequestId);
        ReadOnlyMemory<byte> answerBytes = await ExchangeAsync(frame.ToByteArray(), cancellationToken).ConfigureAwait(false);
        Proto.ServerFrame answer = RelayFrames.ParseServerFrame(answerBytes.Span);
        // A frame the relay could not read at all is answered with an error under request id 0.
        if (answer.RequestId == 0 && answer.BodyCase == Proto.ServerFrame.BodyOneofCase.Error)
        {
            throw WireErrors.ToException(answer.Error);
        }

        if (answer.RequestId != frame.RequestId)
        {
            WireThrow.Invalid($"The relay answered request {answer.RequestId} to request {frame.RequestId}.");
        }

        if (answer.BodyCase == Proto.ServerFrame.BodyOneofCase.Error)
        {
            throw WireErrors.ToException(answer.Error);
        }

        if (answer.BodyCase != expected)
        {
            WireThrow.Invalid($"The relay answered {answer.BodyCase} to a request that expects {expected}.");
        }

        return answer;
    }
}
