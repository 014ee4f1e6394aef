using E2EMessaging.Storage;
using Xunit;
using E2EMessaging.Wire;

namespace E2EMessaging.Tests.Storage;

/// <summary>The rules of <see cref="IDedupeWindow"/>; override <see cref="CreateWindow"/> with a new, empty window.</summary>
public abstract class DedupeWindowContract
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
    private readonly ClientMessageIdGenerator _ids = new(random: new TestRandom(13));

    protected abstract IDedupeWindow CreateWindow();

    [Fact]
    public async Task A_pair_is_new_once()
    {
        IDedupeWindow window = CreateWindow();
        ClientMessageId id = _ids.Next();
        Assert.True(await window.TryAddAsync("alice", id, T0));
        Assert.False(await window.TryAddAsync("alice", id, T0));
        Assert.True(await window.TryAddAsync("bob", id, T0));
        Assert.True(await window.ContainsAsync("alice", id));
        Assert.False(await window.ContainsAsync("carol", id));
    }

    [Fact]
    public async Task Concurrent_adds_of_one_pair_admit_exactly_one()
    {
        IDedupeWindow window = CreateWindow();
        ClientMessageId id = _ids.Next();
        bool[] results = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(async () => await window.TryAddAsync("alice", id, T0))));
        Assert.Single(results, r => r);
    }

    [Fact]
    public async Task Prune_forgets_only_older_pairs()
    {
        IDedupeWindow window = CreateWindow();
        ClientMessageId old = _ids.Next();
        ClientMessageId recent = _ids.Next();
        await window.TryAddAsync("alice", old, T0);
        await window.TryAddAsync("alice", recent, T0.AddDays(2));
        Assert.Equal(1, await window.PruneAsync(T0.AddDays(1)));
        Assert.False(await window.ContainsAsync("alice", old));
        Assert.True(await window.ContainsAsync("alice", recent));
    }
}

public sealed class InMemoryDedupeWindowTests : DedupeWindowContract
{
    protected override IDedupeWindow CreateWindow() => new InMemoryDedupeWindow();
}
