using System.Collections.Concurrent;
using E2EMessaging.Content;
using E2EMessaging.Wire;

namespace E2EMessaging.Receipts;

/// <summary>One receipt to send: to an account (all its devices), about a 1:1 or group conversation.</summary>
internal sealed class ReceiptBatch(string to, Guid? groupId, ReceiptType type, ClientMessageId? watermark, IReadOnlyList<ClientMessageId> ids)
{
    public string To { get; } = to;

    public Guid? GroupId { get; } = groupId;

    public ReceiptType Type { get; } = type;

    public ClientMessageId? Watermark { get; } = watermark;

    public IReadOnlyList<ClientMessageId> Ids { get; } = ids;

    public ReceiptBody ToBody() => new(Type, Watermark, Ids, GroupId);
}

/// <summary>
/// Coalesces receipts per (recipient account, conversation) within <see cref="ReceiptOptions.BatchWindow"/> or until
/// <see cref="ReceiptOptions.MaxBatchSize"/> events, on the injected <see cref="TimeProvider"/>'s timers. Delivery
/// receipts become one id list; read receipts become one watermark (the highest id read), plus the exact ids when
/// <c>withIds</c> (1:1 and small groups, so the sender can tick each message) — in large groups only the watermark.
/// Each key has its own lock; there is no global one.
/// </summary>
internal sealed class ReceiptBatcher : IAsyncDisposable
{
    private readonly ReceiptOptions _options;
    private readonly TimeProvider _time;
    private readonly Func<ReceiptBatch, CancellationToken, ValueTask> _send;
    private readonly ConcurrentDictionary<(string To, Guid? Group), Pending> _pending = new();
    private readonly CancellationTokenSource _disposed = new();

    public ReceiptBatcher(ReceiptOptions options, TimeProvider time, Func<ReceiptBatch, CancellationToken, ValueTask> send)
    {
        _options = options;
        _time = time;
        _send = send;
    }

    /// <summary>Failures of timer-driven sends (receipts are best effort; the host may log them).</summary>
    public event Action<Exception>? SendFailed;

    public ValueTask DeliveredAsync(string to, Guid? groupId, ClientMessageId id, CancellationToken cancellationToken = default) =>
        AddAsync(to, groupId, p => p.Delivered.Add(id), cancellationToken);

    public ValueTask ReadAsync(string to, Guid? groupId, ClientMessageId id, bool withIds, CancellationToken cancellationToken = default) =>
        AddAsync(
            to,
            groupId,
            p =>
            {
                if (p.ReadWatermark is not { } current || id > current)
                {
                    p.ReadWatermark = id;
                }

                if (withIds && p.ReadIds.Count < Limits.MaxReceiptIds)
                {
                    p.ReadIds.Add(id);
                }
            },
            cancellationToken);

    /// <summary>Sends everything pending now.</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        foreach ((string To, Guid? Group) key in _pending.Keys)
        {
            await FlushKeyAsync(key, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync().ConfigureAwait(false);
        foreach (Pending pending in _pending.Values)
        {
            lock (pending)
            {
                pending.Timer?.Dispose();
                pending.Timer = null;
            }
        }

        _disposed.Dispose();
    }

    private async ValueTask AddAsync(string to, Guid? groupId, Action<Pending> add, CancellationToken cancellationToken)
    {
        (string, Guid?) key = (to, groupId);
        Pending pending = _pending.GetOrAdd(key, _ => new Pending());
        bool flushNow;
        lock (pending)
        {
            add(pending);
            pending.Events++;
            flushNow = pending.Events >= _options.MaxBatchSize || _options.BatchWindow <= TimeSpan.Zero;
            if (!flushNow && pending.Timer is null)
            {
                pending.Timer = _time.CreateTimer(_ => _ = OnTimerAsync(key), null, _options.BatchWindow, Timeout.InfiniteTimeSpan);
            }
        }

        if (flushNow)
        {
            await FlushKeyAsync(key, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task OnTimerAsync((string To, Guid? Group) key)
    {
        try
        {
            await FlushKeyAsync(key, _disposed.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            SendFailed?.Invoke(e);
        }
    }

    private async ValueTask FlushKeyAsync((string To, Guid? Group) key, CancellationToken cancellationToken)
    {
        if (!_pending.TryGetValue(key, out Pending? pending))
        {
            return;
        }

        ReceiptBatch? delivered = null;
        ReceiptBatch? read = null;
        lock (pending)
        {
            pending.Timer?.Dispose();
            pending.Timer = null;
            if (pending.Delivered.Count > 0)
            {
                delivered = new ReceiptBatch(key.To, key.Group, ReceiptType.Delivered, null, [.. pending.Delivered.Take(Limits.MaxReceiptIds)]);
            }

            if (pending.ReadWatermark is { } watermark)
            {
                read = new ReceiptBatch(key.To, key.Group, ReceiptType.Read, watermark, [.. pending.ReadIds]);
            }

            pending.Delivered.Clear();
            pending.ReadIds.Clear();
            pending.ReadWatermark = null;
            pending.Events = 0;
        }

        try
        {
            if (delivered is not null)
            {
                await _send(delivered, cancellationToken).ConfigureAwait(false);
                delivered = null;
            }

            if (read is not null)
            {
                await _send(read, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            // Not sent: put it back, to go with the next batch or flush (no timer: an offline device would spin).
            lock (pending)
            {
                if (delivered is not null)
                {
                    pending.Delivered.InsertRange(0, delivered.Ids);
                }

                if (read?.Watermark is { } watermark && (pending.ReadWatermark is not { } current || watermark > current))
                {
                    pending.ReadWatermark = watermark;
                }

                if (read is not null)
                {
                    pending.ReadIds.InsertRange(0, read.Ids);
                }
            }

            throw;
        }
    }

    private sealed class Pending
    {
        public List<ClientMessageId> Delivered { get; } = [];

        public List<ClientMessageId> ReadIds { get; } = [];

        public ClientMessageId? ReadWatermark { get; set; }

        public int Events { get; set; }

        public ITimer? Timer { get; set; }
    }
}
