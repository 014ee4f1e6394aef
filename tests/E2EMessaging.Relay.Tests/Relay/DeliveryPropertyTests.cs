using System.Collections.Concurrent;
using E2EMessaging.Relay.Loopback;
using E2EMessaging.Relay.Tests.Infrastructure;
using E2EMessaging.Transport;
using E2EMessaging.Wire;
using FsCheck.Xunit;
using Xunit;

namespace E2EMessaging.Relay.Tests.Relay;

/// <summary>
/// Random submits between five devices of three accounts, devices going offline and online, and a transport that
/// duplicates requests, loses answers, and duplicates and reorders pushed frames: every envelope reaches every
/// intended device exactly once and in submission order, and no other device. The schedule is a byte array that
/// FsCheck generates and shrinks.
/// </summary>
public sealed class DeliveryPropertyTests
{
    [Property(MaxTest = 25, EndSize = 300)]
    public void Every_envelope_reaches_every_intended_device_exactly_once_in_order(byte[] schedule) =>
        Task.Run(() => RunAsync(schedule)).GetAwaiter().GetResult();

    [Theory]
    [InlineData(20261204)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Long_fixed_schedules(int seed)
    {
        byte[] schedule = new byte[600];
        new Random(seed).NextBytes(schedule);
        schedule[4] = 39; // the most steps
        int delivered = await RunAsync(schedule);
        Assert.True(delivered > 20, $"only {delivered} deliveries: the schedule exercises too little");
    }

    /// <summary>Runs a schedule; returns how many (envelope, device) deliveries it checked.</summary>
    private static async Task<int> RunAsync(byte[] schedule)
    {
        var script = new Script(schedule);
        int seed = script.Next(int.MaxValue);
        var faults = new List<LoopbackFaults>();
        await using var harness = new RelayHarness(faults: () =>
        {
            var plan = new LoopbackFaults(new Random(Interlocked.Increment(ref seed)));
            faults.Add(plan);
            return plan;
        });

        // The topology: alice (2 devices), bob (1), carol (2); registration runs before faults matter much, so retry it.
        TestDevice a1 = await Retry(() => harness.RegisterAsync("alice", preKeys: 0));
        TestDevice a2 = await Retry(() => harness.LinkAsync(a1, preKeys: 0));
        TestDevice b1 = await Retry(() => harness.RegisterAsync("bob", preKeys: 0));
        TestDevice c1 = await Retry(() => harness.RegisterAsync("carol", preKeys: 0));
        TestDevice c2 = await Retry(() => harness.LinkAsync(c1, preKeys: 0));
        TestDevice[] devices = [a1, a2, b1, c1, c2];
        var clients = devices.ToDictionary(d => d, d => new ReceivingClient(d));
        foreach (LoopbackFaults plan in faults)
        {
            plan.DuplicateRequest = 0.2;
            plan.DropAfterRequest = 0.05;
            plan.DuplicatePush = 0.2;
            plan.ReorderPush = 0.2;
        }

        var expected = devices.ToDictionary(d => d, _ => new List<string>());
        var online = devices.ToDictionary(d => d, _ => true);

        int steps = script.Next(40);
        for (int step = 0; step < steps; step++)
        {
            TestDevice actor = devices[script.Next(devices.Length)];
            if (script.Next(4) == 0)
            {
                // Toggle the actor's connection.
                if (online[actor])
                {
                    actor.Disconnect();
                    online[actor] = false;
                }
                else
                {
                    await Retry(async () => { await actor.ConnectAsync(); return actor; });
                    online[actor] = true;
                }

                continue;
            }

            // The actor submits to a random non-empty set of accounts (all their devices, minus itself).
            if (!online[actor])
            {
                await Retry(async () => { await actor.ConnectAsync(); return actor; });
                online[actor] = true;
            }

            int mask = 1 + script.Next(7);
            var recipients = devices.Where(d => d != actor && (mask & (1 << AccountIndex(d))) != 0).ToList();
            if (recipients.Count == 0)
            {
                continue;
            }

            ClientMessageId id = Submits.NewId();
            var envelopes = recipients.Select(r => new OutgoingEnvelope(r.Address, r.RegistrationId, EnvelopeType.Whisper, Submits.Bytes($"{id}->{r.Address}"))).ToList();
            var request = new SubmitRequest(id, harness.Clock.GetUtcNow(), envelopes);
            await SubmitUntilAcceptedAsync(actor, request);
            online[actor] = true;
            foreach (TestDevice r in recipients)
            {
                expected[r].Add($"{id}->{r.Address}");
            }
        }

        // Everyone comes online and drains. A lost answer (an ack's, say) drops a connection at any time, so keep
        // reconnecting whoever is down, as a real client does, until everything expected has arrived.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        foreach (TestDevice device in devices)
        {
            while (clients[device].ProcessedCount < expected[device].Count && DateTime.UtcNow < deadline)
            {
                if (device.Transport.Connection is null or { IsClosed: true })
                {
                    await Retry(async () => { await device.ConnectAsync(); return device; });
                }

                await Task.Delay(5);
            }
        }

        await Task.Delay(50); // anything extra would show up now
        foreach (TestDevice device in devices)
        {
            Assert.Equal(expected[device], clients[device].Processed);
        }

        foreach (ReceivingClient client in clients.Values)
        {
            await client.DisposeAsync();
        }

        return expected.Values.Sum(e => e.Count);
    }

    private static int AccountIndex(TestDevice device) => device.Address.Name switch { "alice" => 0, "bob" => 1, _ => 2 };

    private static async Task SubmitUntilAcceptedAsync(TestDevice sender, SubmitRequest request)
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            try
            {
                SubmitResult result = await sender.Transport.SubmitAsync(request);
                Assert.Equal(SubmitOutcome.Accepted, result.Outcome);
                return;
            }
            catch (MessagingException e) when (e.Kind == MessagingErrorKind.Disconnected)
            {
                await Retry(async () => { await sender.ConnectAsync(); return sender; });
            }
        }

        Assert.Fail("A submit never got through.");
    }

    private static async Task<T> Retry<T>(Func<Task<T>> action)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return await action();
            }
            catch (MessagingException e) when (e.Kind == MessagingErrorKind.Disconnected && attempt < 50)
            {
            }
        }
    }

    /// <summary>
    /// A minimal client: processes envelopes in server-sequence order (sequences are contiguous per inbox), drops
    /// duplicates, and acknowledges everything it has processed (again, if the relay redelivers it).
    /// </summary>
    private sealed class ReceivingClient : IAsyncDisposable
    {
        private readonly TestDevice _device;
        private readonly SortedDictionary<ulong, Envelope> _pending = [];
        private readonly List<string> _processed = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private readonly ConcurrentQueue<ulong> _toAck = new();
        private ulong _next = 1;

        public ReceivingClient(TestDevice device)
        {
            _device = device;
            _loop = Task.Run(RunAsync);
        }

        public int ProcessedCount
        {
            get
            {
                lock (_processed)
                {
                    return _processed.Count;
                }
            }
        }

        public List<string> Processed
        {
            get
            {
                lock (_processed)
                {
                    return [.. _processed];
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
            }

            _stop.Dispose();
        }

        private async Task RunAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                IncomingFrame frame = await _device.Frames.Reader.ReadAsync(_stop.Token);
                if (frame.Kind != IncomingFrameKind.Envelope)
                {
                    continue;
                }

                Envelope envelope = frame.Envelope!;
                Assert.Equal(_device.Address, envelope.Recipient); // none elsewhere
                ulong sequence = envelope.ServerSequence!.Value;
                if (sequence >= _next)
                {
                    _pending.TryAdd(sequence, envelope);
                }

                while (_pending.Remove(_next, out Envelope? ready))
                {
                    lock (_processed)
                    {
                        _processed.Add(System.Text.Encoding.UTF8.GetString(ready.Ciphertext.Span));
                    }

                    _next++;
                }

                if (sequence < _next)
                {
                    _toAck.Enqueue(sequence);
                }

                await FlushAcksAsync();
            }
        }

        private async Task FlushAcksAsync()
        {
            var batch = new List<ulong>();
            while (_toAck.TryDequeue(out ulong sequence))
            {
                batch.Add(sequence);
            }

            try
            {
                await _device.Transport.AcknowledgeAsync(batch);
            }
            catch (MessagingException e) when (e.Kind is MessagingErrorKind.Disconnected or MessagingErrorKind.Unauthenticated)
            {
                // Not acknowledged: the relay redelivers on the next connection and the client acks the duplicate then.
            }
        }
    }

    /// <summary>Reads decisions from FsCheck's bytes; zeros once they run out.</summary>
    private sealed class Script(byte[] bytes)
    {
        private int _position;

        public int Next(int bound)
        {
            if (bound <= 1)
            {
                return 0;
            }

            int width = bound <= 256 ? 1 : 4;
            int value = 0;
            for (int i = 0; i < width; i++)
            {
                value = (value << 8) | (_position < bytes.Length ? bytes[_position++] : 0);
            }

            return (int)((uint)value % (uint)bound);
        }
    }
}
