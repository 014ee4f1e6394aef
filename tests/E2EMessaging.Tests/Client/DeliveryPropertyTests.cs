using System.Text;
using E2EMessaging.Client;
using E2EMessaging.Content;
using E2EMessaging.Groups;
using E2EMessaging.Protocol;
using E2EMessaging.Relay.Loopback;
using E2EMessaging.Status;
using E2EMessaging.Tests.Infrastructure;
using E2EMessaging.Wire;
using FsCheck;
using FsCheck.Xunit;
using Xunit;

namespace E2EMessaging.Tests.Client;

/// <summary>
/// For any schedule of 1:1 and group sends from any device, devices going offline and online, and a transport that
/// duplicates requests, loses answers, and duplicates and reorders pushes: every message reaches every intended
/// device exactly once and no other device; every status only moves forward; and nothing the relay stores contains
/// a message's plaintext.
/// </summary>
public sealed class DeliveryPropertyTests
{
    // FsCheck runs properties synchronously; each run awaits its own in-process relay and clients.
    [Property(MaxTest = 25)]
#pragma warning disable xUnit1031
    public void Exactly_once_to_intended_devices_forward_only_statuses_no_plaintext_at_the_relay(byte[] schedule, PositiveInt seed) =>
        RunAsync(schedule, seed.Get).GetAwaiter().GetResult();
#pragma warning restore xUnit1031

    internal static async Task RunAsync(byte[] schedule, int seed)
    {
        var random = new Random(seed);
        var faults = new List<LoopbackFaults>();
        await using var harness = new ClientHarness(faults: () =>
        {
            var f = new LoopbackFaults(random);
            faults.Add(f);
            return f;
        });
        TestClient alicePhone = await harness.RegisterAsync("alice");
        TestClient aliceLaptop = await harness.LinkAsync(alicePhone);
        TestClient bob = await harness.RegisterAsync("bob");
        TestClient carol = await harness.RegisterAsync("carol");
        TestClient[] devices = [alicePhone, aliceLaptop, bob, carol];
        string[] accounts = ["alice", "bob", "carol"];
        GroupInfo group = await alicePhone.Client.CreateGroupAsync("all", ["bob", "carol"]);
        await Eventually.TrueAsync(() => devices.All(d => d.Client.Stores.Groups.GetGroupAsync(group.Id).AsTask().Result is not null), "everyone knows the group");
        lock (random)
        {
            foreach (LoopbackFaults f in faults)
            {
                f.DuplicateRequest = 0.1;
                f.DropAfterRequest = 0.05;
                f.DuplicatePush = 0.2;
                f.ReorderPush = 0.2;
            }
        }

        var expected = new List<(ClientMessageId Id, TestClient Sender, string Marker, TestClient[] Recipients)>();
        int position = 0;
        int Next(int bound) => position >= schedule.Length ? 0 : schedule[position++] % bound;
        for (int step = 0; step < Math.Min(schedule.Length, 14); step++)
        {
            int op = Next(5);
            TestClient device = devices[Next(devices.Length)];
            if (op == 4)
            {
                if (device.Online)
                {
                    await device.GoOfflineAsync();
                }
                else
                {
                    await ConnectAsync(device);
                }

                continue;
            }

            string marker = $"PLAINTEXT-{seed}-{step}-{Guid.NewGuid():N}";
            ClientMessageId id;
            TestClient[] recipients;
            if (op == 3)
            {
                id = await SendAsync(() => device.Client.SendToGroupAsync(group.Id, new DataMessage { Text = marker }));
                recipients = [.. devices.Where(d => d != device)];
            }
            else
            {
                string to = accounts.Where(a => a != device.Address.Name).ElementAt(Next(2));
                id = await SendAsync(() => device.Client.SendAsync(to, new DataMessage { Text = marker }));
                recipients = [.. devices.Where(d => d != device && (d.Address.Name == to || d.Address.Name == device.Address.Name))];
            }

            expected.Add((id, device, marker, recipients));
        }

        // Everyone comes online; whatever waits in an outbox goes out.
        foreach (TestClient device in devices.Where(d => !d.Online))
        {
            await ConnectAsync(device);
        }

        foreach (TestClient device in devices)
        {
            await RetryAsync(device);
        }

        await Eventually.TrueAsync(
            () => expected.All(e => e.Recipients.All(r => r.Received.Any(m => m.Id == e.Id && m.Sender.Equals(e.Sender.Address)))),
            () => "delivery: missing " + string.Join("\n", expected.SelectMany(e => e.Recipients.Where(r => !r.Received.Any(m => m.Id == e.Id)).Select(r =>
                $"{e.Id} {e.Sender.Address}->{r.Address} inOutbox={e.Sender.Client.Stores.Outbox.GetAsync(e.Id).AsTask().Result is not null} " +
                $"atRelay=[{string.Join(",", harness.Inbox.Appended.Where(x => x.ClientMessageId == e.Id && x.Recipient.Equals(r.Address)).Select(x => x.Type))}] " +
                $"\n recipientLog=[{string.Join("\n   ", r.Log.Lines)}]\n recipientEvents=[{string.Join("\n   ", r.Events)}]\n " +
                $"senderLog=[{string.Join("\n   ", e.Sender.Log.Lines)}]"))),
            seconds: 20);
        await Task.Delay(150); // let late duplicates arrive, so that the exactly-once check sees them

        foreach (TestClient device in devices)
        {
            // Exactly once, and only messages meant for this device.
            Assert.Equal(device.Received.Count, device.Received.Select(m => (m.Sender.Name, m.Id)).Distinct().Count());
            Assert.All(device.Received, m => Assert.Contains(expected, e => e.Id == m.Id && e.Recipients.Contains(device)));

            // Statuses only move forward, and each change starts where the last one ended.
            foreach (IGrouping<(ClientMessageId, ProtocolAddress?), MessageStatusChange> history in device.Statuses.Where(s => s.Device is not null).GroupBy(s => (s.MessageId, s.Device)))
            {
                DeliveryStatus last = DeliveryStatus.Pending;
                foreach (MessageStatusChange change in history)
                {
                    Assert.Equal(last, change.Previous);
                    Assert.True(change.Current > change.Previous);
                    last = change.Current;
                }
            }
        }

        // No log line of any device carries content.
        foreach ((_, _, string marker, _) in expected)
        {
            Assert.DoesNotContain(devices.SelectMany(d => d.Log.Lines), l => l.Contains(marker, StringComparison.Ordinal));
        }

        // The relay never held plaintext.
        byte[][] stored = [.. harness.Inbox.Appended.Select(e => e.Serialize()), .. harness.Inbox.StoredBytes()];
        foreach ((_, _, string marker, _) in expected)
        {
            byte[] needle = Encoding.UTF8.GetBytes(marker);
            Assert.DoesNotContain(stored, b => b.AsSpan().IndexOf(needle) >= 0);
        }
    }

    /// <summary>A send never fails for a dropped connection: the message is in the outbox before the network is touched, and waits there.</summary>
    private static async Task<ClientMessageId> SendAsync(Func<ValueTask<ClientMessageId>> send) => await send();

    private static async Task ConnectAsync(TestClient device)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                await device.GoOnlineAsync();
                return;
            }
            catch (MessagingException e) when (e.Kind == MessagingErrorKind.Disconnected && attempt < 20)
            {
                await Task.Delay(10);
            }
        }
    }

    private static async Task RetryAsync(TestClient device)
    {
        for (int attempt = 0; attempt < 20; attempt++)
        {
            try
            {
                await device.Client.RetryOutboxAsync();
                return;
            }
            catch (MessagingException e) when (e.Kind == MessagingErrorKind.Disconnected)
            {
                await Task.Delay(10);
            }
        }
    }
}
