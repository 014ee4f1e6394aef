using E2EMessaging.Protocol;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.PreKeys;
using E2EMessaging.Relay.Stores;
using E2EMessaging.Wire;
using Xunit;

namespace E2EMessaging.Relay.Tests.Stores;

/// <summary>What every <see cref="IInboxStore"/> must do. A new implementation inherits this class and supplies <see cref="Create"/>.</summary>
public abstract class InboxStoreContract
{
    private static readonly ProtocolAddress Bob = new("bob", 1);
    private static readonly ProtocolAddress Carol = new("carol", 1);
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    protected abstract IInboxStore Create();

    private static Envelope Envelope(ProtocolAddress to, byte marker) =>
        new(ClientMessageId.New(TimeProvider.System, SystemRandomSource.Instance), new ProtocolAddress("alice", 1), to, EnvelopeType.Whisper, default, T0, new byte[] { marker });

    [Fact]
    public async Task Appends_get_consecutive_sequences_per_inbox_and_read_back_in_order()
    {
        IInboxStore store = Create();
        for (byte i = 1; i <= 5; i++)
        {
            Envelope stored = await store.AppendAsync(Bob, Envelope(Bob, i), T0);
            Assert.Equal((ulong)i, stored.ServerSequence);
            Assert.Equal(T0, stored.ServerTimestamp);
        }

        Assert.Equal(1ul, (await store.AppendAsync(Carol, Envelope(Carol, 9), T0)).ServerSequence);
        IReadOnlyList<Envelope> read = await store.ReadAsync(Bob, 0, 10);
        Assert.Equal([1, 2, 3, 4, 5], read.Select(e => (int)e.Ciphertext.Span[0]));
        Assert.Equal([4, 5], (await store.ReadAsync(Bob, 3, 10)).Select(e => (int)e.Ciphertext.Span[0]));
        Assert.Equal([1, 2], (await store.ReadAsync(Bob, 0, 2)).Select(e => (int)e.Ciphertext.Span[0]));
        Assert.Equal(5, await store.CountAsync(Bob));
        Assert.Empty(await store.ReadAsync(new ProtocolAddress("nobody", 1), 0, 10));
    }

    [Fact]
    public async Task Delete_is_idempotent_and_sequences_are_not_reused()
    {
        IInboxStore store = Create();
        await store.AppendAsync(Bob, Envelope(Bob, 1), T0);
        await store.AppendAsync(Bob, Envelope(Bob, 2), T0);
        Assert.Equal(1, await store.DeleteAsync(Bob, [2, 7]));
        Assert.Equal(0, await store.DeleteAsync(Bob, [2]));
        Assert.Equal(3ul, (await store.AppendAsync(Bob, Envelope(Bob, 3), T0)).ServerSequence);
        Assert.Equal([1ul, 3ul], (await store.ReadAsync(Bob, 0, 10)).Select(e => e.ServerSequence!.Value));
    }

    [Fact]
    public async Task Retention_and_inbox_deletion()
    {
        IInboxStore store = Create();
        await store.AppendAsync(Bob, Envelope(Bob, 1), T0);
        await store.AppendAsync(Bob, Envelope(Bob, 2), T0.AddDays(1));
        await store.AppendAsync(Carol, Envelope(Carol, 3), T0);
        Assert.Equal(2, await store.DeleteOlderThanAsync(T0.AddHours(1)));
        Assert.Equal(1, await store.CountAsync(Bob));
        await store.DeleteInboxAsync(Bob);
        Assert.Equal(0, await store.CountAsync(Bob));
    }

    [Fact]
    public async Task Concurrent_appends_to_one_inbox_get_distinct_consecutive_sequences()
    {
        IInboxStore store = Create();
        Envelope[] stored = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(async () => await store.AppendAsync(Bob, Envelope(Bob, (byte)i), T0))));
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (ulong)i), stored.Select(e => e.ServerSequence!.Value).Order());
    }
}

/// <summary>What every <see cref="IRelayDedupeStore"/> must do.</summary>
public abstract class RelayDedupeStoreContract
{
    protected abstract IRelayDedupeStore Create();

    [Fact]
    public async Task Entries_are_kept_per_sender_device_and_id_added_once_and_expire()
    {
        IRelayDedupeStore store = Create();
        var alice = new ProtocolAddress("alice", 1);
        var alice2 = new ProtocolAddress("alice", 2);
        ClientMessageId id = ClientMessageId.New(TimeProvider.System, SystemRandomSource.Instance);
        var t0 = DateTimeOffset.UnixEpoch.AddYears(50);
        var entry = new DedupeEntry(alice, id, new byte[32], [new EnvelopeReceipt(new ProtocolAddress("bob", 1), 4, t0)], t0);
        Assert.True(await store.TryAddAsync(entry));
        Assert.False(await store.TryAddAsync(new DedupeEntry(alice, id, new byte[32], [], t0)));
        Assert.Equal(4ul, (await store.GetAsync(alice, id))!.Receipts.Single().ServerSequence);
        Assert.Null(await store.GetAsync(alice2, id));
        Assert.Equal(0, await store.DeleteOlderThanAsync(t0));
        Assert.Equal(1, await store.DeleteOlderThanAsync(t0.AddTicks(1)));
        Assert.Null(await store.GetAsync(alice, id));
    }
}

/// <summary>What every <see cref="IPrekeyDirectory"/> must do.</summary>
public abstract class PrekeyDirectoryContract
{
    private static readonly IdentityKeyPair Identity = IdentityKeyPair.Generate();

    protected abstract IPrekeyDirectory Create();

    private static PreKeyUpload Upload(int oneTime, bool signed)
    {
        var ec = Enumerable.Range(1, oneTime).Select(i => new PublishedPreKey((uint)i, PreKeyRecord.Generate((uint)i).KeyPair.PublicKey)).ToList();
        var kyber = Enumerable.Range(1, oneTime).Select(i => PublishedKyberPreKey.From(KyberPreKeyRecord.Generate((uint)i, 0, Identity))).ToList();
        return new PreKeyUpload(
            signed ? PublishedSignedPreKey.From(SignedPreKeyRecord.Generate(1, 0, Identity)) : null,
            signed ? PublishedKyberPreKey.From(KyberPreKeyRecord.Generate(99, 0, Identity)) : null,
            ec,
            kyber);
    }

    [Fact]
    public async Task Takes_consume_one_time_keys_then_serve_the_last_resort_kyber_key()
    {
        IPrekeyDirectory directory = Create();
        var device = new ProtocolAddress("bob", 1);
        Assert.Null(await directory.TakeAsync(device));
        await directory.StoreAsync(device, Upload(2, signed: true));
        Assert.Equal(2, (await directory.GetCountsAsync(device)).OneTimePreKeys);
        PreKeyTake first = (await directory.TakeAsync(device))!;
        PreKeyTake second = (await directory.TakeAsync(device))!;
        PreKeyTake third = (await directory.TakeAsync(device))!;
        Assert.NotEqual(first.OneTimePreKey!.Id, second.OneTimePreKey!.Id);
        Assert.False(first.KyberIsLastResort);
        Assert.Null(third.OneTimePreKey);
        Assert.True(third.KyberIsLastResort);
        Assert.Equal(99u, third.KyberPreKey.Id);
        Assert.Equal(0, (await directory.GetCountsAsync(device)).OneTimeKyberPreKeys);
        await directory.DeleteAsync(device);
        Assert.Null(await directory.TakeAsync(device));
    }

    [Fact]
    public async Task Concurrent_takes_never_hand_out_a_one_time_key_twice()
    {
        IPrekeyDirectory directory = Create();
        var device = new ProtocolAddress("bob", 1);
        await directory.StoreAsync(device, Upload(60, signed: true));
        PreKeyTake?[] takes = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Task.Run(async () => await directory.TakeAsync(device))));
        var ids = takes.Select(t => t!.OneTimePreKey?.Id).Where(id => id is not null).ToList();
        Assert.Equal(60, ids.Count);
        Assert.Equal(60, ids.Distinct().Count());
    }
}

/// <summary>What every <see cref="IDeviceDirectory"/> must do.</summary>
public abstract class DeviceDirectoryContract
{
    protected abstract IDeviceDirectory Create();

    [Fact]
    public async Task Accounts_are_created_once_and_device_ids_increase_and_are_not_reused()
    {
        IDeviceDirectory directory = Create();
        PublicKey key = IdentityKeyPair.Generate().PublicKey;
        Assert.Null(await directory.TryAddDeviceAsync("alice", 1, key));
        Assert.True(await directory.TryCreateAccountAsync("alice", new DeviceInfo(1, 10, key)));
        Assert.False(await directory.TryCreateAccountAsync("alice", new DeviceInfo(1, 11, key)));
        Assert.Equal(2u, await directory.TryAddDeviceAsync("alice", 20, key));
        Assert.Equal(3u, await directory.TryAddDeviceAsync("alice", 30, key));
        Assert.True(await directory.RemoveDeviceAsync(new ProtocolAddress("alice", 3)));
        Assert.False(await directory.RemoveDeviceAsync(new ProtocolAddress("alice", 3)));
        Assert.Equal(4u, await directory.TryAddDeviceAsync("alice", 40, key));
        Assert.Equal([1u, 2u, 4u], (await directory.GetDevicesAsync("alice")).Select(d => d.DeviceId));
        Assert.Equal(20u, (await directory.GetDeviceAsync(new ProtocolAddress("alice", 2)))!.RegistrationId);
        Assert.Null(await directory.GetDeviceAsync(new ProtocolAddress("alice", 3)));
        Assert.Empty(await directory.GetDevicesAsync("bob"));
    }

    [Fact]
    public async Task Device_ids_run_out_at_127()
    {
        IDeviceDirectory directory = Create();
        PublicKey key = IdentityKeyPair.Generate().PublicKey;
        await directory.TryCreateAccountAsync("alice", new DeviceInfo(1, 1, key));
        uint?[] ids = await Task.WhenAll(Enumerable.Range(0, 130).Select(_ => Task.Run(async () => await directory.TryAddDeviceAsync("alice", 1, key))));
        Assert.Equal(126, ids.Count(id => id is not null));
        Assert.Equal(126, ids.Distinct().Count(id => id is not null));
    }
}

public sealed class InMemoryInboxStoreTests : InboxStoreContract
{
    protected override IInboxStore Create() => new InMemoryInboxStore();
}

public sealed class InMemoryRelayDedupeStoreTests : RelayDedupeStoreContract
{
    protected override IRelayDedupeStore Create() => new InMemoryRelayDedupeStore();
}

public sealed class InMemoryPrekeyDirectoryTests : PrekeyDirectoryContract
{
    protected override IPrekeyDirectory Create() => new InMemoryPrekeyDirectory();
}

public sealed class InMemoryDeviceDirectoryTests : DeviceDirectoryContract
{
    protected override IDeviceDirectory Create() => new InMemoryDeviceDirectory();
}
