using E2EMessaging.Protocol.Groups;
using E2EMessaging.Protocol.Messages;
using E2EMessaging.Protocol.Sessions;
using E2EMessaging.Protocol.Tests.Groups;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Sessions;

/// <summary>Types that hold secrets print only their type name or identifiers, never key material.</summary>
public sealed class SecretPrintingTests
{
    [Fact]
    public async Task Records_and_distribution_messages_print_no_secrets()
    {
        var alice = new Party("alice");
        var bob = new Party("bob");
        await alice.Cipher.ProcessPreKeyBundleAsync(bob.Address, await bob.BundleAsync());
        SessionRecord session = SessionRecord.Deserialize(await alice.SessionBytesAsync(bob));
        Assert.Equal("SessionRecord", session.ToString());

        var member = new Member("carol");
        Guid group = Guid.NewGuid();
        SenderKeyDistributionMessage distribution = await member.Cipher.CreateDistributionMessageAsync(member.Address, group);
        SenderKeyRecord record = SenderKeyRecord.Deserialize(await member.RecordBytesAsync(member, group));
        Assert.Equal("SenderKeyRecord", record.ToString());
        Assert.DoesNotContain(Convert.ToHexString(distribution.ChainKey.ToByteArray()), distribution.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("SenderKeyDistributionMessage(", distribution.ToString(), StringComparison.Ordinal);
        Assert.Equal(nameof(Protocol.Storage.InMemoryProtocolStore), alice.Store.ToString());
    }
}
