using System.Runtime.CompilerServices;
using E2EMessaging.Transport;

namespace E2EMessaging.Relay.Loopback;

/// <summary>
/// Faults a <see cref="LoopbackTransport"/> injects, for tests and simulations. Probabilities are from 0 to 1; the
/// <see cref="Random"/> makes a run reproducible from its seed.
/// </summary>
public sealed class LoopbackFaults
{
    /// <summary>Creates a fault plan drawing from <paramref name="random"/>.</summary>
    public LoopbackFaults(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Random = random;
    }

    /// <summary>The source of every fault decision.</summary>
    public Random Random { get; }

    /// <summary>Chance that a request frame reaches the relay twice (the second answer is discarded).</summary>
    public double DuplicateRequest { get; set; }

    /// <summary>Chance that a request is applied but its answer is lost with the connection (the caller sees <see cref="MessagingErrorKind.Disconnected"/>).</summary>
    public double DropAfterRequest { get; set; }

    /// <summary>Chance that a pushed frame arrives twice.</summary>
    public double DuplicatePush { get; set; }

    /// <summary>Chance that a pushed frame is held back and arrives after the next one.</summary>
    public double ReorderPush { get; set; }

    internal bool Roll(double probability)
    {
        lock (Random)
        {
            return probability > 0 && Random.NextDouble() < probability;
        }
    }
}

/// <summary>
/// An <see cref="ITransport"/> that connects a client to a <see cref="RelayServer"/> in the same process, through the
/// same encoded frames a network transport would carry. It can drop the connection on demand
/// (<see cref="Disconnect"/>) and inject duplicated requests, lost answers, and duplicated or reordered pushes.
/// </summary>
public sealed class LoopbackTransport : FramedTransport
{
    private readonly RelayServer _relay;
    private readonly LoopbackFaults? _faults;
    private readonly Lock _gate = new();
    private RelayConnection? _connection;

    /// <summary>Creates an unconnected transport to <paramref name="relay"/>.</summary>
    public LoopbackTransport(RelayServer relay, LoopbackFaults? faults = null)
    {
        ArgumentNullException.ThrowIfNull(relay);
        _relay = relay;
        _faults = faults;
    }

    /// <summary>The relay-side connection, while connected (for tests that look at the relay's view).</summary>
    public RelayConnection? Connection
    {
        get
        {
            lock (_gate)
            {
                return _connection;
            }
        }
    }

    /// <inheritdoc />
    public override ValueTask ConnectAsync(CancellationToken cancellationToken = default)
    {
        RelayConnection? old;
        lock (_gate)
        {
            old = _connection;
            _connection = _relay.Accept();
        }

        old?.Close();
        return ValueTask.CompletedTask;
    }

    /// <summary>Drops the connection, as a network failure would: the push stream ends and requests fail until <see cref="ConnectAsync"/>.</summary>
    public void Disconnect()
    {
        RelayConnection? connection;
        lock (_gate)
        {
            connection = _connection;
            _connection = null;
        }

        connection?.Close();
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        RelayConnection? connection;
        lock (_gate)
        {
            connection = _connection;
            _connection = null;
        }

        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    protected override async ValueTask<ReadOnlyMemory<byte>> ExchangeAsync(ReadOnlyMemory<byte> requestFrame, CancellationToken cancellationToken)
    {
        RelayConnection connection = Connection ?? throw Disconnected();
        byte[] copy = requestFrame.ToArray(); // the relay gets its own bytes, as over a network
        ReadOnlyMemory<byte> answer = await connection.HandleAsync(copy, cancellationToken).ConfigureAwait(false);
        if (_faults is not null && _faults.Roll(_faults.DuplicateRequest))
        {
            await connection.HandleAsync(copy, cancellationToken).ConfigureAwait(false);
        }

        if (_faults is not null && _faults.Roll(_faults.DropAfterRequest))
        {
            Disconnect();
        }

        if (connection.IsClosed)
        {
            throw Disconnected();
        }

        return answer;
    }

    /// <inheritdoc />
    protected override async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadPushedFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        RelayConnection? connection = Connection;
        if (connection is null)
        {
            yield break;
        }

        System.Threading.Channels.ChannelReader<byte[]> reader = connection.PushedReader;
        byte[]? held = null;
        while (true)
        {
            if (!reader.TryRead(out byte[]? frame))
            {
                if (held is not null)
                {
                    yield return held; // nothing to swap with right now: let it through
                    held = null;
                }

                bool more;
                try
                {
                    more = await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    more = false;
                }

                if (!more)
                {
                    yield break;
                }

                continue;
            }

            if (_faults is not null && held is null && _faults.Roll(_faults.ReorderPush))
            {
                held = frame;
                continue;
            }

            yield return frame;
            if (_faults is not null && _faults.Roll(_faults.DuplicatePush))
            {
                yield return frame;
            }

            if (held is not null)
            {
                yield return held;
                held = null;
            }
        }
    }

    private static MessagingException Disconnected() => new(MessagingErrorKind.Disconnected, "The loopback connection is down.");
}
