using E2EMessaging.Protocol;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.PreKeys;
using E2EMessaging.Wire;

namespace E2EMessaging.Transport;

/// <summary>
/// One device's connection to the relay: requests (each answered or failed) and the stream of frames the relay
/// pushes. The library speaks to the relay only through this; the host brings the network (see
/// <see cref="FramedTransport"/> for a transport that carries the relay's frames over any byte channel).
/// </summary>
/// <remarks>
/// <para>Lifecycle: <see cref="ConnectAsync"/>, then prove the device (<see cref="GetChallengeAsync"/> +
/// <see cref="AuthenticateAsync"/>, or <see cref="RegisterAccountAsync"/> for a new account), then read
/// <see cref="ReceiveAsync"/> and send requests concurrently. After authentication the relay sends every envelope
/// in the device's inbox in server-sequence order, then <see cref="IncomingFrameKind.QueueEmpty"/>, then new
/// envelopes as they arrive. An envelope stays in the inbox until <see cref="AcknowledgeAsync"/>; whatever was not
/// acknowledged is sent again on the next connection, so a client must deduplicate (by server sequence, or by
/// sender and ClientMessageId) and acknowledge only once its own state is durably committed.</para>
/// <para>When the connection drops, pending and later requests fail with <see cref="MessagingErrorKind.Disconnected"/>
/// (the request may or may not have been applied: retry a submit with the same ClientMessageId) and
/// <see cref="ReceiveAsync"/> ends. Call <see cref="ConnectAsync"/> and authenticate again to resume.</para>
/// <para>Relay refusals throw <see cref="MessagingException"/>, except a submit's, which is a typed
/// <see cref="SubmitResult"/>. Implementations must allow requests from several threads at once.</para>
/// </remarks>
public interface ITransport : IAsyncDisposable
{
    /// <summary>Opens (or reopens, after a drop) the connection. The new connection is unauthenticated.</summary>
    ValueTask ConnectAsync(CancellationToken cancellationToken = default);

    /// <summary>Asks the relay for a fresh authentication challenge (<see cref="WireLimits.ChallengeLength"/> bytes), valid for this connection only.</summary>
    ValueTask<ReadOnlyMemory<byte>> GetChallengeAsync(CancellationToken cancellationToken = default);

    /// <summary>Proves this connection is <paramref name="device"/>: <paramref name="signature"/> is <see cref="DeviceAuthentication.Sign"/> over the current challenge.</summary>
    /// <exception cref="MessagingException"><see cref="MessagingErrorKind.Unauthenticated"/> when the device is unknown or the signature does not verify.</exception>
    ValueTask AuthenticateAsync(ProtocolAddress device, ReadOnlyMemory<byte> signature, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates an account whose first device (device 1) holds <paramref name="identityKey"/>, and authenticates this
    /// connection as it; <paramref name="signature"/> signs the current challenge as (account, 1).
    /// </summary>
    /// <exception cref="MessagingException"><see cref="MessagingErrorKind.Conflict"/> when the account exists.</exception>
    ValueTask RegisterAccountAsync(string account, uint registrationId, PublicKey identityKey, ReadOnlyMemory<byte> signature, CancellationToken cancellationToken = default);

    /// <summary>
    /// From an authenticated device: adds a device with <paramref name="identityKey"/> to the same account and
    /// returns its address. The new device then connects and authenticates with its own identity key.
    /// </summary>
    ValueTask<ProtocolAddress> LinkDeviceAsync(uint registrationId, PublicKey identityKey, CancellationToken cancellationToken = default);

    /// <summary>From an authenticated device: removes a device of the same account (its inbox and prekeys go with it).</summary>
    ValueTask UnlinkDeviceAsync(uint deviceId, CancellationToken cancellationToken = default);

    /// <summary>Publishes this device's prekeys; answers with how many one-time prekeys the relay now holds.</summary>
    /// <exception cref="MessagingException"><see cref="MessagingErrorKind.InvalidSignature"/> when a signature does not verify with the device's identity key.</exception>
    ValueTask<PreKeyCounts> UploadPreKeysAsync(PreKeyUpload upload, CancellationToken cancellationToken = default);

    /// <summary>How many one-time prekeys the relay holds for this device.</summary>
    ValueTask<PreKeyCounts> GetPreKeyCountsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Fetches prekey bundles for every device of <paramref name="account"/> (or one device), consuming one one-time
    /// prekey of each kind per bundle where any is left. Bundles are verified (<see cref="PreKeyBundle"/> checks the signatures).
    /// </summary>
    ValueTask<IReadOnlyList<PreKeyBundle>> FetchPreKeyBundlesAsync(string account, uint? deviceId = null, CancellationToken cancellationToken = default);

    /// <summary>The devices of <paramref name="account"/> as the relay's directory lists them.</summary>
    ValueTask<IReadOnlyList<DeviceInfo>> FetchDevicesAsync(string account, CancellationToken cancellationToken = default);

    /// <summary>Submits one message's envelopes. Refusals and device mismatches are results, not exceptions.</summary>
    ValueTask<SubmitResult> SubmitAsync(SubmitRequest request, CancellationToken cancellationToken = default);

    /// <summary>Tells the relay this device has durably processed these envelopes (by server sequence); the relay deletes them. Unknown sequences are ignored.</summary>
    ValueTask AcknowledgeAsync(IReadOnlyList<ulong> serverSequences, CancellationToken cancellationToken = default);

    /// <summary>The frames the relay pushes on the current connection; ends when the connection drops or closes.</summary>
    IAsyncEnumerable<IncomingFrame> ReceiveAsync(CancellationToken cancellationToken = default);
}
