using System.Runtime.CompilerServices;
using System.Threading.Channels;
using E2EMessaging.Protocol;

namespace E2EMessaging.Relay;

/// <summary>
/// One client connection as the relay sees it. The host's network code feeds each request frame to
/// <see cref="HandleAsync"/> and sends back the answer, and sends every frame of <see cref="ReadPushedFramesAsync"/>
/// to the client (deliveries and notices). A connection starts unauthenticated; after it authenticates, the relay
/// drains the device's inbox into the push stream and then pushes new envelopes as they arrive.
/// </summary>
public sealed class RelayConnection : IAsyncDisposable
{
    private readonly RelayServer _server;
    private readonly Channel<byte[]> _pushed = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(RelayLimits.PushBufferFrames) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _closed = new();
    private readonly Lock _gate = new();
    private readonly List<byte[]> _challenges = [];
    private ProtocolAddress? _device;
    private Task _delivery = Task.CompletedTask;

    internal RelayConnection(RelayServer server) => _server = server;

    /// <summary>The device this connection proved to be, or null before authentication.</summary>
    public ProtocolAddress? Device
    {
        get
        {
            lock (_gate)
            {
                return _device;
            }
        }
    }

    /// <summary>Cancelled when the connection closes (by the host, or by the relay when the device connects again elsewhere or is unlinked).</summary>
    public CancellationToken Closed => _closed.Token;

    /// <summary>Whether the connection is closed.</summary>
    public bool IsClosed => _closed.IsCancellationRequested;

    /// <summary>Handles one request frame and returns the answer frame (an error frame for anything malformed or refused; it never throws for bad input).</summary>
    public ValueTask<ReadOnlyMemory<byte>> HandleAsync(ReadOnlyMemory<byte> requestFrame, CancellationToken cancellationToken = default) =>
        _server.HandleAsync(this, requestFrame, cancellationToken);

    /// <summary>The frames to push to the client, in order; ends when the connection closes.</summary>
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadPushedFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await _pushed.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (_pushed.Reader.TryRead(out byte[]? frame))
            {
                yield return frame;
            }
        }
    }

    /// <summary>Closes the connection: the push stream ends and undelivered envelopes stay in the inbox for the next connection.</summary>
    public void Close()
    {
        lock (_gate)
        {
            if (_closed.IsCancellationRequested)
            {
                return;
            }

            _closed.Cancel();
        }

        _pushed.Writer.TryComplete();
        _wake.Writer.TryComplete();
        _server.Connections.Remove(this);
    }

    /// <summary>Closes the connection and waits for its delivery loop to stop.</summary>
    public async ValueTask DisposeAsync()
    {
        Close();
        try
        {
            await _delivery.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _closed.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => $"RelayConnection({Device?.ToString() ?? "unauthenticated"})";

    internal ChannelReader<byte[]> PushedReader => _pushed.Reader;

    /// <summary>
    /// Remembers a challenge. A few stay outstanding (a duplicated or pipelined challenge request must not break the
    /// handshake); the oldest is forgotten past <see cref="RelayLimits.OutstandingChallenges"/>.
    /// </summary>
    internal void AddChallenge(byte[] challenge)
    {
        lock (_gate)
        {
            if (_challenges.Count == RelayLimits.OutstandingChallenges)
            {
                _challenges.RemoveAt(0);
            }

            _challenges.Add(challenge);
        }
    }

    /// <summary>The outstanding challenges, which a proof attempt uses up whatever its result (no second guess against them).</summary>
    internal List<byte[]> TakeChallenges()
    {
        lock (_gate)
        {
            var challenges = new List<byte[]>(_challenges);
            _challenges.Clear();
            return challenges;
        }
    }

    /// <summary>Marks the connection as <paramref name="device"/> and starts its delivery loop; false when it was already authenticated or closed.</summary>
    internal bool TryAuthenticate(ProtocolAddress device, Func<RelayConnection, ProtocolAddress, CancellationToken, Task> deliveryLoop)
    {
        lock (_gate)
        {
            if (_device is not null || _closed.IsCancellationRequested)
            {
                return false;
            }

            _device = device;
            _delivery = Task.Run(() => deliveryLoop(this, device, _closed.Token));
            return true;
        }
    }

    /// <summary>Tells the delivery loop there is something new in the inbox.</summary>
    internal void Notify() => _wake.Writer.TryWrite(true);

    internal async ValueTask<bool> WaitForNotificationAsync(CancellationToken cancellationToken)
    {
        bool open = await _wake.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false);
        _wake.Reader.TryRead(out _);
        return open;
    }

    internal ValueTask PushAsync(byte[] frame, CancellationToken cancellationToken) => _pushed.Writer.WriteAsync(frame, cancellationToken);

    internal bool TryPush(byte[] frame) => _pushed.Writer.TryWrite(frame);
}
