using E2EMessaging.Protocol.Spqr;
using Google.Protobuf;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Spqr;

/// <summary>
/// Two braids (A from InitA, B from InitB, same authentication key) talking over two lossy, reordering,
/// duplicating channels, driven by a seed. Records everything observable (message bytes, emitted secrets) so
/// that two runs can be compared, and checks the braid's promises as it goes: secrets come one epoch at a time,
/// and Send and Receive never change the braid they are called on.
/// </summary>
internal sealed class BraidSimulation
{
    public static readonly byte[] AuthKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    private readonly Random _schedule;
    private readonly IRandomSource _random;
    private readonly bool _roundTripStates;
    private readonly Party _a;
    private readonly Party _b;

    public BraidSimulation(int seed, bool roundTripStates)
    {
        _schedule = new Random(seed);
        _random = new FixedRandom(seed ^ 0x5A5A5A5A);
        _roundTripStates = roundTripStates;
        _a = new Party("A", Braid.InitA(AuthKey));
        _b = new Party("B", Braid.InitB(AuthKey));
    }

    /// <summary>Message bytes and secrets in the order they appeared.</summary>
    public List<byte[]> Trace { get; } = [];

    public Party A => _a;

    public Party B => _b;

    /// <summary>Random actions: either side sends (the message may be lost or duplicated) or receives a random in-flight message.</summary>
    public void RunChaos(int steps, int lossPercent, int duplicatePercent)
    {
        for (int step = 0; step < steps; step++)
        {
            switch (_schedule.Next(4))
            {
                case 0:
                    Send(_a, _b, lossPercent, duplicatePercent);
                    break;
                case 1:
                    Send(_b, _a, lossPercent, duplicatePercent);
                    break;
                case 2:
                    DeliverOne(_b);
                    break;
                default:
                    DeliverOne(_a);
                    break;
            }
        }
    }

    /// <summary>
    /// Delivers what is in flight, then alternates send and receive without loss until both sides have emitted
    /// <paramref name="epochs"/> more secrets than the furthest of them had, or the round limit is hit.
    /// </summary>
    public void Heal(int epochs, int maxRounds = 2000)
    {
        while (_a.Inbox.Count > 0 || _b.Inbox.Count > 0)
        {
            DeliverOne(_a);
            DeliverOne(_b);
        }

        ulong target = Math.Max(_a.LastEpoch, _b.LastEpoch) + (ulong)epochs;
        for (int round = 0; round < maxRounds && (_a.LastEpoch < target || _b.LastEpoch < target); round++)
        {
            Send(_a, _b, 0, 0);
            DeliverOne(_b);
            Send(_b, _a, 0, 0);
            DeliverOne(_a);
        }
    }

    /// <summary>Every epoch both sides emitted a secret for has the same secret on both sides.</summary>
    public void AssertAgreement()
    {
        foreach ((ulong epoch, byte[] secret) in _a.Secrets)
        {
            if (_b.Secrets.TryGetValue(epoch, out byte[]? other))
            {
                Assert.Equal(secret, other);
            }
        }
    }

    private void Send(Party from, Party to, int lossPercent, int duplicatePercent)
    {
        byte[] before = State(from.Braid);
        BraidSendResult result = from.Braid.Send(_random);
        Assert.Equal(before, State(from.Braid)); // Send does not change the braid it is called on
        from.Update(result.Next, result.Secret, _roundTripStates);
        byte[] wire = result.Message.Serialize(from.NextIndex++);
        Trace.Add(wire);
        if (result.Secret is { } secret)
        {
            Trace.Add(secret.Secret.ToArray());
        }

        if (_schedule.Next(100) < lossPercent)
        {
            return;
        }

        to.Inbox.Add(wire);
        if (_schedule.Next(100) < duplicatePercent)
        {
            to.Inbox.Insert(_schedule.Next(to.Inbox.Count + 1), wire);
        }
    }

    private void DeliverOne(Party to)
    {
        if (to.Inbox.Count == 0)
        {
            return;
        }

        // Mostly in order, sometimes any message in flight.
        int at = _schedule.Next(4) == 0 ? _schedule.Next(to.Inbox.Count) : 0;
        byte[] wire = to.Inbox[at];
        to.Inbox.RemoveAt(at);
        BraidMessage message = BraidMessage.Deserialize(wire, out _);
        byte[] before = State(to.Braid);
        BraidReceiveResult result = to.Braid.Receive(message);
        Assert.Equal(before, State(to.Braid)); // nor does Receive
        to.Update(result.Next, result.Secret, _roundTripStates);
        if (result.Secret is { } secret)
        {
            Trace.Add(secret.Secret.ToArray());
        }
    }

    private static byte[] State(Braid braid) => braid.ToProto().ToByteArray();

    internal sealed class Party(string name, Braid braid)
    {
        public string Name { get; } = name;

        public Braid Braid { get; private set; } = braid;

        public uint NextIndex { get; set; }

        public List<byte[]> Inbox { get; } = [];

        public Dictionary<ulong, byte[]> Secrets { get; } = [];

        public ulong LastEpoch { get; private set; }

        public void Update(Braid next, BraidEpochSecret? secret, bool roundTrip)
        {
            if (roundTrip)
            {
                byte[] bytes = next.ToProto().ToByteArray();
                next = Braid.FromProto(Proto.Spqr.BraidState.Parser.ParseFrom(bytes));
                Assert.Equal(bytes, next.ToProto().ToByteArray());
            }

            Braid = next;
            if (secret is not null)
            {
                Assert.Equal(LastEpoch + 1, secret.Epoch); // one epoch at a time, none skipped
                Assert.Equal(32, secret.Secret.Length);
                Secrets.Add(secret.Epoch, secret.Secret.ToArray());
                LastEpoch = secret.Epoch;
            }
        }

        public override string ToString() => Name;
    }
}
