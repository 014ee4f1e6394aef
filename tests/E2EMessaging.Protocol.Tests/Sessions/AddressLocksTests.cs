using E2EMessaging.Protocol.Sessions;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Sessions;

public sealed class AddressLocksTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Work_on_one_address_never_interleaves_under_heavy_parallel_load()
    {
        var locks = new AddressLocks();
        const int addresses = 50;
        const int tasks = 2_000;
        int[] counters = new int[addresses];
        int[] inside = new int[addresses];
        int overlaps = 0;

        await Task.WhenAll(Enumerable.Range(0, tasks).Select(i => Task.Run(async () =>
        {
            int a = i % addresses;
            using (await locks.AcquireAsync(new ProtocolAddress($"user-{a}", 1)))
            {
                if (Interlocked.Increment(ref inside[a]) != 1)
                {
                    Interlocked.Increment(ref overlaps);
                }

                // A non-atomic read-modify-write with awaits in between: lost updates show any overlap.
                int value = counters[a];
                await Task.Yield();
                await Task.Delay(i % 7 == 0 ? 1 : 0);
                counters[a] = value + 1;

                Interlocked.Decrement(ref inside[a]);
            }
        }))).WaitAsync(Timeout);

        Assert.Equal(0, overlaps);
        Assert.All(counters, count => Assert.Equal(tasks / addresses, count));
        Assert.Equal(0, locks.Count);
    }

    [Fact]
    public async Task Different_addresses_are_held_at_the_same_time()
    {
        var locks = new AddressLocks();
        var alice = new ProtocolAddress("alice", 1);
        var bob = new ProtocolAddress("bob", 1);
        var aliceHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bobHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Each holder waits for the other to be inside too: this only finishes if both hold their lock at once.
        Task first = Task.Run(async () =>
        {
            using (await locks.AcquireAsync(alice))
            {
                aliceHeld.SetResult();
                await bobHeld.Task;
            }
        });
        Task second = Task.Run(async () =>
        {
            using (await locks.AcquireAsync(bob))
            {
                bobHeld.SetResult();
                await aliceHeld.Task;
            }
        });

        await Task.WhenAll(first, second).WaitAsync(Timeout);
        Assert.Equal(0, locks.Count);
    }

    [Fact]
    public async Task Same_address_waits_for_the_holder()
    {
        var locks = new AddressLocks();
        var address = new ProtocolAddress("alice", 1);
        AddressLocks.Releaser held = await locks.AcquireAsync(address);

        // An equal address in a different object is the same lock.
        ValueTask<AddressLocks.Releaser> waiting = locks.AcquireAsync(new ProtocolAddress("alice", 1));
        Assert.False(waiting.IsCompleted);
        ValueTask<AddressLocks.Releaser> otherDevice = locks.AcquireAsync(new ProtocolAddress("alice", 2));
        Assert.True(otherDevice.IsCompleted);
        (await otherDevice).Dispose();

        held.Dispose();
        (await waiting.AsTask().WaitAsync(Timeout)).Dispose();
        Assert.Equal(0, locks.Count);
    }

    [Fact]
    public async Task Canceling_a_waiter_leaves_the_lock_usable_and_forgets_the_address()
    {
        var locks = new AddressLocks();
        var address = new ProtocolAddress("alice", 1);
        AddressLocks.Releaser held = await locks.AcquireAsync(address);

        using var cts = new CancellationTokenSource();
        Task<AddressLocks.Releaser> waiting = locks.AcquireAsync(address, cts.Token).AsTask();
        Assert.False(waiting.IsCompleted);
        Assert.Equal(1, locks.Count);

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Timeout));

        // The canceled waiter neither holds the lock nor keeps the entry alive.
        Task<AddressLocks.Releaser> after = locks.AcquireAsync(address).AsTask();
        Assert.False(after.IsCompleted);
        held.Dispose();
        (await after.WaitAsync(Timeout)).Dispose();
        Assert.Equal(0, locks.Count);
    }

    [Fact]
    public async Task Already_canceled_token_throws_without_holding()
    {
        var locks = new AddressLocks();
        var address = new ProtocolAddress("alice", 1);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await locks.AcquireAsync(address, new CancellationToken(canceled: true)));
        Assert.Equal(0, locks.Count);
        using AddressLocks.Releaser releaser = await locks.AcquireAsync(address);
    }

    [Fact]
    public async Task Entries_are_dropped_when_unused_so_memory_does_not_grow_with_addresses_seen()
    {
        var locks = new AddressLocks();
        await Task.WhenAll(Enumerable.Range(0, 10_000).Select(i => Task.Run(async () =>
        {
            using (await locks.AcquireAsync(new ProtocolAddress($"user-{i}", (uint)(i % 127) + 1)))
            {
                await Task.Yield();
            }
        }))).WaitAsync(Timeout);

        Assert.Equal(0, locks.Count);
    }

    [Fact]
    public void Default_releaser_does_nothing()
    {
        default(AddressLocks.Releaser).Dispose();
    }
}
