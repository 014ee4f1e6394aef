// E2EMessaging in one process: a blind relay, Alice on a phone and a laptop, Bob on a phone that starts offline,
// Carol, and a three-member group. Everything that crosses the relay is printed as the relay sees it: addresses,
// ids, types, sizes and a fingerprint of the ciphertext — never content, because the relay never has any.
using System.Security.Cryptography;
using E2EMessaging;
using E2EMessaging.Client;
using E2EMessaging.Content;
using E2EMessaging.Groups;
using E2EMessaging.Protocol;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Relay;
using E2EMessaging.Relay.Loopback;
using E2EMessaging.Relay.Stores;
using E2EMessaging.Status;
using E2EMessaging.Wire;
using Microsoft.Extensions.DependencyInjection;

// 1. The relay, built through its DI registration, with a push notifier and an inbox store that print.
var services = new ServiceCollection();
services.AddE2EMessagingRelay()
    .Services.AddSingleton<IPushNotifier, PrintingPushNotifier>()
    .AddSingleton<IInboxStore, PrintingInboxStore>();
await using ServiceProvider relayServices = services.BuildServiceProvider();
RelayServer relay = relayServices.GetRequiredService<RelayServer>();

// 2. The devices. Each has its own identity and protocol stores, and its own connection to the relay.
Say("Registering Alice's phone, linking Alice's laptop, registering Bob's and Carol's phones.");
Console.WriteLine("   ([relay] lines are what the relay stores: receipts, group updates and sender keys look alike to it.)");
Device alicePhone = await Device.RegisterAsync(relay, "alice");
Device aliceLaptop = await Device.LinkAsync(relay, alicePhone, "alice's laptop");
Device bobPhone = await Device.RegisterAsync(relay, "bob");
Device carolPhone = await Device.RegisterAsync(relay, "carol");
await bobPhone.GoOfflineAsync();
Say("Bob's phone goes offline.");

// 3. Alice writes to Bob. Tick 1 (sent) comes from the relay; Bob's phone only gets a wake-up, which is not delivery.
Say("Alice's phone sends Bob a message.");
ClientMessageId hello = await alicePhone.Client.SendAsync("bob", new DataMessage { Text = "Dinner at eight?" });
await WaitAsync(() => aliceLaptop.Received.Any(m => m.Id == hello));

// 4. Bob comes online: the relay drains his inbox, his client stores, acknowledges and sends a delivery receipt.
Say("Bob's phone comes online.");
await bobPhone.Client.ConnectAsync();
await bobPhone.Client.WhenInboxDrainedAsync();
Say("Bob's inbox is drained.");
await WaitAsync(() => alicePhone.Ticks.Any(t => t.MessageId == hello && t.Current == DeliveryStatus.Delivered));
Say("Bob opens the chat.");
await bobPhone.Client.MarkReadAsync(ConversationId.Direct("alice"), hello);
await WaitAsync(() => alicePhone.Ticks.Any(t => t.MessageId == hello && t.Current == DeliveryStatus.Read));

// 5. A group of three. A group message is encrypted once, with Alice's sender key; the relay copies that one
//    ciphertext into each member device's inbox (same fingerprint on every line).
Say("Alice creates the group \"weekend\" with Bob and Carol.");
GroupInfo group = await alicePhone.Client.CreateGroupAsync("weekend", ["bob", "carol"]);
await WaitAsync(() => bobPhone.Client.Stores.Groups.GetGroupAsync(group.Id).AsTask().Result is not null
    && carolPhone.Client.Stores.Groups.GetGroupAsync(group.Id).AsTask().Result is not null);
Say("Alice's phone sends a group message.");
ClientMessageId first = await alicePhone.Client.SendToGroupAsync(group.Id, new DataMessage { Text = "Hike on Saturday?" });
await WaitAsync(() => bobPhone.Received.Any(m => m.Id == first) && carolPhone.Received.Any(m => m.Id == first) && aliceLaptop.Received.Any(m => m.Id == first));
await WaitAsync(() => alicePhone.Ticks.Count(t => t.MessageId == first && t.Current == DeliveryStatus.Delivered) == 2);

// 6. Carol leaves. Everyone still in the group replaces their sender key before their next message, so that
//    Carol cannot read what follows.
Say("Carol leaves the group.");
await carolPhone.Client.RemoveMembersAsync(group.Id, ["carol"]);
await WaitAsync(() => alicePhone.Client.Stores.Groups.GetGroupAsync(group.Id).AsTask().Result?.Members.Count == 2);
Say("Alice's phone sends another group message.");
ClientMessageId second = await alicePhone.Client.SendToGroupAsync(group.Id, new DataMessage { Text = "Just us two then." });
await WaitAsync(() => bobPhone.Received.Any(m => m.Id == second) && aliceLaptop.Received.Any(m => m.Id == second));
await Task.Delay(300);
Say($"Carol received the second group message: {carolPhone.Received.Any(m => m.Id == second)}.");

foreach (Device device in new[] { alicePhone, aliceLaptop, bobPhone, carolPhone })
{
    await device.DisposeAsync();
}

Say("Done.");

static void Say(string line) => Console.WriteLine($"\n== {line}");

static async Task WaitAsync(Func<bool> condition)
{
    DateTime deadline = DateTime.UtcNow.AddSeconds(30);
    while (!condition())
    {
        if (DateTime.UtcNow > deadline)
        {
            throw new TimeoutException("The sample did not reach the expected state.");
        }

        await Task.Delay(10);
    }
}

/// <summary>One device of the sample: its client, its transport, and printers for what it receives, its ticks and its events.</summary>
internal sealed class Device : IAsyncDisposable
{
    private static uint _nextRegistrationId = 1000;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _printers;

    private Device(RelayServer relay, string account, uint deviceId, string name, IdentityKeyPair identity, uint registrationId)
    {
        Name = name;
        Transport = new LoopbackTransport(relay);
        Client = new MessagingClient(new MessagingClientOptions { Account = account, DeviceId = deviceId, PreKeyBatchSize = 20 }, Transport, ProtocolStores.InMemory(identity, registrationId));
        _printers = Task.WhenAll(PrintMessagesAsync(), PrintTicksAsync(), PrintEventsAsync());
    }

    public string Name { get; }

    public LoopbackTransport Transport { get; }

    public MessagingClient Client { get; }

    public List<ReceivedMessage> Received { get; } = [];

    public List<MessageStatusChange> Ticks { get; } = [];

    public static async Task<Device> RegisterAsync(RelayServer relay, string account)
    {
        var device = new Device(relay, account, 1, $"{account}'s phone", IdentityKeyPair.Generate(), _nextRegistrationId++);
        await device.Client.RegisterAccountAsync();
        return device;
    }

    public static async Task<Device> LinkAsync(RelayServer relay, Device existing, string name)
    {
        IdentityKeyPair identity = IdentityKeyPair.Generate();
        uint registrationId = _nextRegistrationId++;
        ProtocolAddress address = await existing.Client.LinkDeviceAsync(registrationId, identity.PublicKey);
        var device = new Device(relay, address.Name, address.DeviceId, name, identity, registrationId);
        await device.Client.ConnectAsync();
        return device;
    }

    public async Task GoOfflineAsync()
    {
        await Client.DisconnectAsync();
        Transport.Disconnect();
    }

    private async Task PrintMessagesAsync()
    {
        await foreach (ReceivedMessage m in Client.WatchMessagesAsync(_stop.Token))
        {
            lock (Received)
            {
                Received.Add(m);
            }

            string what = m.IsSentTranscript ? "its own account's message, sent from" : "a message from";
            Console.WriteLine($"   [{Name}] received {what} {m.Sender} in {m.Conversation}: \"{m.Message.Text}\"");
        }
    }

    private async Task PrintTicksAsync()
    {
        await foreach (MessageStatusChange t in Client.WatchStatusAsync(_stop.Token))
        {
            lock (Ticks)
            {
                Ticks.Add(t);
            }

            string ticks = t.Current switch { DeliveryStatus.Sent => "✓", DeliveryStatus.Delivered => "✓✓", DeliveryStatus.Read => "✓✓ (blue)", _ => "…" };
            Console.WriteLine($"   [{Name}] tick {ticks,-10} message {Short(t.MessageId)} on {t.Device}: {t.Previous} -> {t.Current} (message overall: {t.Aggregate})");
        }
    }

    private async Task PrintEventsAsync()
    {
        await foreach (ClientEvent e in Client.WatchEventsAsync(_stop.Token))
        {
            if (e.Kind is ClientEventKind.SenderKeyRotated or ClientEventKind.SenderKeyDistributed or ClientEventKind.InboxDrained)
            {
                Console.WriteLine($"   [{Name}] {e}");
            }
        }
    }

    internal static string Short(ClientMessageId id) => id.ToString()[^8..];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _printers;
        }
        catch (OperationCanceledException)
        {
        }

        await Client.DisposeAsync();
        await Transport.DisposeAsync();
        _stop.Dispose();
    }
}

/// <summary>The relay's wake-up for an offline device: it carries no content and is not delivery.</summary>
internal sealed class PrintingPushNotifier : IPushNotifier
{
    public ValueTask WakeAsync(ProtocolAddress device, CancellationToken cancellationToken = default)
    {
        Console.WriteLine($"   [relay] push wake-up for {device} (no content; the device must connect to fetch)");
        return ValueTask.CompletedTask;
    }
}

/// <summary>The relay's inboxes, printing each envelope it persists as the relay sees it.</summary>
internal sealed class PrintingInboxStore : IInboxStore
{
    private readonly InMemoryInboxStore _inner = new();

    public ValueTask<Envelope> AppendAsync(ProtocolAddress device, Envelope envelope, DateTimeOffset serverTimestamp, CancellationToken cancellationToken = default)
    {
        string fingerprint = Convert.ToHexStringLower(SHA256.HashData(envelope.Ciphertext.Span))[..12];
        Console.WriteLine($"   [relay] stored {envelope.Type,-16} {Device.Short(envelope.ClientMessageId)} from {envelope.Sender} into inbox of {device}: {envelope.Ciphertext.Length} bytes, ciphertext {fingerprint}{(envelope.GroupId.IsEmpty ? string.Empty : " (group)")}");
        return _inner.AppendAsync(device, envelope, serverTimestamp, cancellationToken);
    }

    public ValueTask<IReadOnlyList<Envelope>> ReadAsync(ProtocolAddress device, ulong afterSequence, int maxCount, CancellationToken cancellationToken = default) =>
        _inner.ReadAsync(device, afterSequence, maxCount, cancellationToken);

    public ValueTask<int> CountAsync(ProtocolAddress device, CancellationToken cancellationToken = default) => _inner.CountAsync(device, cancellationToken);

    public ValueTask<int> DeleteAsync(ProtocolAddress device, IReadOnlyCollection<ulong> serverSequences, CancellationToken cancellationToken = default) =>
        _inner.DeleteAsync(device, serverSequences, cancellationToken);

    public ValueTask<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default) => _inner.DeleteOlderThanAsync(cutoff, cancellationToken);

    public ValueTask DeleteInboxAsync(ProtocolAddress device, CancellationToken cancellationToken = default) => _inner.DeleteInboxAsync(device, cancellationToken);
}
