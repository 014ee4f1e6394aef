using E2EMessaging.Protocol.Messages;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Sessions;

public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Concurrent_encrypts_to_one_address_never_reuse_a_message_key()
    {
        var alice = new Party("alice");
        var bob = new Party("bob");
        await alice.Cipher.ProcessPreKeyBundleAsync(bob.Address, await bob.BundleAsync());
        Assert.Equal("start", await bob.DecryptAsync(alice, Party.OverTheWire(await alice.EncryptAsync(bob, "start"))));
        Assert.Equal("ack", await alice.DecryptAsync(bob, Party.OverTheWire(await bob.EncryptAsync(alice, "ack"))));

        CiphertextMessage[] messages = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => alice.EncryptAsync(bob, $"m{i}"))));
        uint[] counters = messages.Select(m => ((SignalMessage)m).Counter).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, 200).Select(i => (uint)i), counters);

        foreach (CiphertextMessage message in messages.OrderBy(_ => Random.Shared.Next()))
        {
            Assert.StartsWith("m", await bob.DecryptAsync(alice, Party.OverTheWire(message)), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Many_conversations_run_in_parallel()
    {
        var hub = new Party("hub");
        Party[] peers = Enumerable.Range(0, 40).Select(i => new Party($"peer{i}")).ToArray();
        await Task.WhenAll(peers.Select(peer => Task.Run(async () =>
        {
            await hub.Cipher.ProcessPreKeyBundleAsync(peer.Address, await peer.BundleAsync());
            for (int i = 0; i < 15; i++)
            {
                string text = $"{peer.Address.Name} {i}";
                Assert.Equal(text, await peer.DecryptAsync(hub, Party.OverTheWire(await hub.EncryptAsync(peer, text))));
                Assert.Equal(text, await hub.DecryptAsync(peer, Party.OverTheWire(await peer.EncryptAsync(hub, text))));
            }
        })));
    }
}
