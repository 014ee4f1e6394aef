using System.Buffers.Binary;
using E2EMessaging.Protocol;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.PreKeys;
using E2EMessaging.Transport;
using E2EMessaging.Wire;

namespace E2EMessaging.Client;

public sealed partial class MessagingClient
{
    private readonly Lock _preKeyGate = new();
    private uint _nextPreKeyId;
    private uint _nextKyberPreKeyId;
    private uint _signedPreKeyId;
    private bool _preKeysPublished;
    private volatile bool _online;

    /// <summary>
    /// Creates this device's account at the relay (this device becomes device 1), publishes its prekeys (a signed
    /// prekey, a last-resort Kyber prekey and a batch of one-time Curve25519 and Kyber prekeys) and starts receiving.
    /// </summary>
    /// <exception cref="MessagingException"><see cref="MessagingErrorKind.Conflict"/> when the account exists.</exception>
    public async ValueTask RegisterAccountAsync(CancellationToken cancellationToken = default)
    {
        if (Address.DeviceId != 1)
        {
            ThrowHelper.InvalidOperation("An account is registered from its device 1; link other devices with LinkDeviceAsync.");
        }

        await _transport.ConnectAsync(cancellationToken).ConfigureAwait(false);
        await _transport.RegisterAccountAsync(Address.Name, await RegistrationIdAsync(cancellationToken).ConfigureAwait(false), await IdentityAsync(cancellationToken).ConfigureAwait(false), _random, cancellationToken).ConfigureAwait(false);
        await PublishInitialPreKeysAsync(cancellationToken).ConfigureAwait(false);
        _online = true;
        StartReceiving();
        ClientLog.Connected(_logger, Address);
        Raise(ClientEventKind.Connected, $"{Address} registered");
    }

    /// <summary>
    /// From this (authenticated) device: adds a device to the account — a laptop, a tablet — and returns the address
    /// the relay gave it. The new device then creates its own client with that device id and calls <see cref="ConnectAsync"/>.
    /// </summary>
    public async ValueTask<ProtocolAddress> LinkDeviceAsync(uint registrationId, PublicKey identityKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identityKey);
        ProtocolAddress linked = await _transport.LinkDeviceAsync(registrationId, identityKey, cancellationToken).ConfigureAwait(false);
        await _stores.Devices.RemoveAsync(Address.Name, cancellationToken).ConfigureAwait(false);
        return linked;
    }

    /// <summary>
    /// Connects and authenticates this (already registered or linked) device, publishes its prekeys if it never
    /// did, starts receiving (the relay first sends whatever waited in the inbox) and resends what waits in the outbox.
    /// </summary>
    public async ValueTask ConnectAsync(CancellationToken cancellationToken = default)
    {
        await _transport.ConnectAsync(cancellationToken).ConfigureAwait(false);
        await AuthenticateAsync(cancellationToken).ConfigureAwait(false);
        if (!_preKeysPublished)
        {
            await PublishInitialPreKeysAsync(cancellationToken).ConfigureAwait(false);
        }

        _online = true;
        StartReceiving();
        ClientLog.Connected(_logger, Address);
        Raise(ClientEventKind.Connected, $"{Address} connected");
        await RetryOutboxAsync(cancellationToken).ConfigureAwait(false);
        InBackground("receipts", token => _receipts.FlushAsync(token));
        InBackground("dedupe pruning", async token => await _stores.Dedupe.PruneAsync(Now - _options.DedupeWindow, token).ConfigureAwait(false));
    }

    /// <summary>
    /// Stops receiving and stops reconnecting on its own (the app went to the background, the user signed out).
    /// Messages sent meanwhile wait in the outbox until <see cref="ConnectAsync"/>.
    /// </summary>
    public async ValueTask DisconnectAsync()
    {
        _online = false;
        if (_connection is { } connection)
        {
            await connection.CancelAsync().ConfigureAwait(false);
        }

        try
        {
            await _receiveLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Generates and uploads another batch of one-time prekeys (the relay asks for it when its pool runs low).</summary>
    public async ValueTask ReplenishPreKeysAsync(CancellationToken cancellationToken = default)
    {
        (List<PreKeyRecord> ec, List<KyberPreKeyRecord> kyber) = await MintOneTimePreKeysAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _transport.UploadPreKeysAsync(PreKeyUpload.From(null, null, ec, kyber), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            DisposeAll(ec, kyber);
        }

        ClientLog.PreKeysUploaded(_logger, _options.PreKeyBatchSize);
        Raise(ClientEventKind.PreKeysUploaded, $"{Address}: {_options.PreKeyBatchSize} one-time prekeys of each kind");
    }

    /// <summary>Replaces the signed prekey (the rotation schedule calls this; hosts may too). The old one stays in the store for sessions in flight.</summary>
    public async ValueTask RotateSignedPreKeyAsync(CancellationToken cancellationToken = default)
    {
        uint id;
        lock (_preKeyGate)
        {
            id = ++_signedPreKeyId;
        }

        using SignedPreKeyRecord signed = SignedPreKeyRecord.Generate(id, NowMilliseconds, await IdentityAsync(cancellationToken).ConfigureAwait(false), _random);
        await _protocol.SignedPreKeys.SaveSignedPreKeyAsync(id, signed, cancellationToken).ConfigureAwait(false);
        await _transport.UploadPreKeysAsync(PreKeyUpload.From(signed, null), cancellationToken).ConfigureAwait(false);
        Raise(ClientEventKind.SignedPreKeyRotated, $"{Address}: signed prekey {id}");
    }

    /// <summary>
    /// Proves this device on the current connection. A challenge is single-use, so one that a duplicated request
    /// replaced fails once; a fresh challenge is tried before the failure counts.
    /// </summary>
    private async ValueTask AuthenticateAsync(CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await _transport.AuthenticateAsync(Address, await IdentityAsync(cancellationToken).ConfigureAwait(false), _random, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (MessagingException e) when (e.Kind == MessagingErrorKind.Unauthenticated && attempt < 3)
            {
            }
        }
    }

    private ulong NowMilliseconds => (ulong)Math.Max(0, Now.ToUnixTimeMilliseconds());

    private async ValueTask PublishInitialPreKeysAsync(CancellationToken cancellationToken)
    {
        IdentityKeyPair identity = await IdentityAsync(cancellationToken).ConfigureAwait(false);
        lock (_preKeyGate)
        {
            if (_nextPreKeyId == 0)
            {
                // Random starting ids (below 2^24, as libsignal's) so that a client restarted over the same stores does
                // not overwrite prekeys that senders may still be using.
                Span<byte> seed = stackalloc byte[12];
                _random.Fill(seed);
                _nextPreKeyId = 1 + (BinaryPrimitives.ReadUInt32BigEndian(seed) % 0x7F_0000);
                _nextKyberPreKeyId = 1 + (BinaryPrimitives.ReadUInt32BigEndian(seed[4..]) % 0x7F_0000);
                _signedPreKeyId = BinaryPrimitives.ReadUInt32BigEndian(seed[8..]) % 0x7F_0000;
            }

            _signedPreKeyId++;
        }

        uint lastResortId = NextKyberId();
        using SignedPreKeyRecord signed = SignedPreKeyRecord.Generate(_signedPreKeyId, NowMilliseconds, identity, _random);
        using KyberPreKeyRecord lastResort = KyberPreKeyRecord.Generate(lastResortId, NowMilliseconds, identity, _random);
        await _protocol.SignedPreKeys.SaveSignedPreKeyAsync(signed.Id, signed, cancellationToken).ConfigureAwait(false);
        await _protocol.KyberPreKeys.SaveKyberPreKeyAsync(lastResort.Id, lastResort, isLastResort: true, cancellationToken).ConfigureAwait(false);
        (List<PreKeyRecord> ec, List<KyberPreKeyRecord> kyber) = await MintOneTimePreKeysAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _transport.UploadPreKeysAsync(PreKeyUpload.From(signed, lastResort, ec, kyber), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            DisposeAll(ec, kyber);
        }

        _preKeysPublished = true;
        ClientLog.PreKeysUploaded(_logger, _options.PreKeyBatchSize);
        Raise(ClientEventKind.PreKeysUploaded, $"{Address}: signed prekey, last-resort Kyber prekey, {_options.PreKeyBatchSize} one-time prekeys of each kind");
        if (_options.SignedPreKeyRotationInterval > TimeSpan.Zero && _signedPreKeyTimer is null)
        {
            _signedPreKeyTimer = _time.CreateTimer(_ => _ = RotateInBackgroundAsync(), null, _options.SignedPreKeyRotationInterval, _options.SignedPreKeyRotationInterval);
        }
    }

    private async Task RotateInBackgroundAsync()
    {
        try
        {
            await RotateSignedPreKeyAsync(_disposed.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MessagingException or OperationCanceledException or ObjectDisposedException)
        {
            ClientLog.BackgroundFailed(_logger, "signed prekey rotation", e);
        }
    }

    private async ValueTask<(List<PreKeyRecord> Ec, List<KyberPreKeyRecord> Kyber)> MintOneTimePreKeysAsync(CancellationToken cancellationToken)
    {
        IdentityKeyPair identity = await IdentityAsync(cancellationToken).ConfigureAwait(false);
        int count = Math.Clamp(_options.PreKeyBatchSize, 0, WireLimits.MaxPreKeysPerUpload);
        var ec = new List<PreKeyRecord>(count);
        var kyber = new List<KyberPreKeyRecord>(count);
        for (int i = 0; i < count; i++)
        {
            PreKeyRecord preKey = PreKeyRecord.Generate(NextPreKeyId(), _random);
            ec.Add(preKey);
            await _protocol.PreKeys.SavePreKeyAsync(preKey.Id, preKey, cancellationToken).ConfigureAwait(false);
            KyberPreKeyRecord kyberKey = KyberPreKeyRecord.Generate(NextKyberId(), NowMilliseconds, identity, _random);
            kyber.Add(kyberKey);
            await _protocol.KyberPreKeys.SaveKyberPreKeyAsync(kyberKey.Id, kyberKey, isLastResort: false, cancellationToken).ConfigureAwait(false);
        }

        return (ec, kyber);
    }

    private uint NextPreKeyId()
    {
        lock (_preKeyGate)
        {
            return _nextPreKeyId = _nextPreKeyId >= 0xFF_FFFF ? 1 : _nextPreKeyId + 1;
        }
    }

    private uint NextKyberId()
    {
        lock (_preKeyGate)
        {
            return _nextKyberPreKeyId = _nextKyberPreKeyId >= 0xFF_FFFF ? 1 : _nextKyberPreKeyId + 1;
        }
    }

    private static void DisposeAll(List<PreKeyRecord> ec, List<KyberPreKeyRecord> kyber)
    {
        foreach (PreKeyRecord r in ec)
        {
            r.Dispose();
        }

        foreach (KyberPreKeyRecord r in kyber)
        {
            r.Dispose();
        }
    }
}
