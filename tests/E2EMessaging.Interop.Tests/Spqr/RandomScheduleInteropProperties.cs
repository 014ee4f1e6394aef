using E2EMessaging.Interop.Tests.NodeHost;
using FsCheck.Xunit;
using Xunit;

namespace E2EMessaging.Interop.Tests.Spqr;

/// <summary>
/// Random schedules against libsignal: who initiates, turns of random length in either direction, deliveries in
/// random order with random drops, and late deliveries of messages held back from earlier turns. The schedule is
/// read from bytes FsCheck generates (and shrinks); every delivered message must decrypt to its text on the other
/// side. Bounded so that CI stays fast; a failing schedule becomes a fixed case below.
/// </summary>
[Collection(LibsignalCollection.Name)]
public sealed class RandomScheduleInteropProperties(NodePeerFixture fixture)
{
    private NodePeer Peer => fixture.Peer;

    [Property(MaxTest = 12, StartSize = 40, EndSize = 200)]
#pragma warning disable xUnit1031 // FsCheck runs properties synchronously; the peer answers on its own thread.
    public void Every_delivered_message_decrypts_on_the_other_side(byte[] schedule) => RunAsync(schedule).GetAwaiter().GetResult();
#pragma warning restore xUnit1031

    [Fact]
    public async Task A_long_fixed_schedule()
    {
        byte[] schedule = new byte[600];
        new Random(20261204).NextBytes(schedule);
        await RunAsync(schedule);
    }

    private async Task RunAsync(byte[] schedule)
    {
        var script = new Script(schedule);
        bool weInitiate = script.Next(2) == 0;
        using Conversation c = weInitiate ? await Conversation.WeInitiateAsync(Peer, script.Next(2) == 0) : await Conversation.TheyInitiateAsync(Peer, script.Next(2) == 0);

        // The initiator's first message has to arrive before the other side can answer.
        if (weInitiate)
        {
            await c.TheyReceiveAllAsync(await c.WeSendAsync(1));
        }
        else
        {
            await c.WeReceiveAllAsync(await c.TheySendAsync(1));
        }

        var heldForUs = new List<WireMessage>();
        var heldForThem = new List<WireMessage>();
        var heldTurns = new int[2]; // per direction: that sender's turns since its oldest held message
        int turns = 2 + script.Next(30);
        for (int turn = 0; turn < turns; turn++)
        {
            bool ours = script.Next(2) == 0;
            int count = script.Next(4) == 0 ? 1 + script.Next(120) : 1 + script.Next(6);
            List<WireMessage> sent = ours ? await c.WeSendAsync(count) : await c.TheySendAsync(count);
            List<WireMessage> held = ours ? heldForThem : heldForUs;

            var deliver = new List<WireMessage>();
            foreach (WireMessage m in sent)
            {
                switch (script.Next(8))
                {
                    case 0: break; // lost
                    case 1: held.Add(m); break; // delivered in a later turn
                    default: deliver.Add(m); break;
                }
            }

            // Held messages arrive within two of their sender's turns: both libsignal and we keep only a few old
            // receiving chains, so older stragglers are undecryptable by design, not by accident.
            int direction = ours ? 0 : 1;
            heldTurns[direction] = held.Count == 0 ? 0 : heldTurns[direction] + 1;
            if (script.Next(3) == 0 || heldTurns[direction] >= 2)
            {
                deliver.AddRange(held);
                held.Clear();
                heldTurns[direction] = 0;
            }

            Shuffle(deliver, script);
            if (ours)
            {
                await c.TheyReceiveAllAsync(deliver);
            }
            else
            {
                await c.WeReceiveAllAsync(deliver);
            }
        }
    }

    private static void Shuffle(List<WireMessage> list, Script script)
    {
        for (int i = list.Count - 1; i > 0; i--)
        {
            int j = script.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }

    /// <summary>Reads choices from the schedule bytes; past the end every choice is 0.</summary>
    private sealed class Script(byte[] bytes)
    {
        private int _position;

        public int Next(int bound)
        {
            if (bound <= 1)
            {
                return 0;
            }

            int value = 0;
            for (int i = 0; i < 2; i++)
            {
                value = (value << 8) | (_position < bytes.Length ? bytes[_position++] : 0);
            }

            return value % bound;
        }
    }
}
