using System.Text;
using E2EMessaging.Protocol;
using E2EMessaging.Protocol.Groups;
using E2EMessaging.Protocol.Messages;
using E2EMessaging.Protocol.PreKeys;
using E2EMessaging.Relay.Tests.Infrastructure;
using E2EMessaging.Wire;
using Xunit;

namespace E2EMessaging.Relay.Tests.Relay;

/// <summary>
/// Real Signal encryptions of known plaintexts travel through the relay; afterwards every byte its stores hold is
/// scanned for the plaintexts (and their UTF-16 forms), and the recipients decrypt what the relay delivered.
/// </summary>
public sealed class PlaintextScanTests
{
    private static readonly string[] Secrets =
    [
        "meet me at the old mill at midnight",
        "the launch code is 7-4-1-9-9-2",
        "group secret: the cake is a lie",
    ];

    [Fact]
    public async Task Relay_stores_hold_only_ciphertext()
    {
        await using var harness = new RelayHarness();
        TestDevice alice = await harness.RegisterAsync("alice");
        TestDevice bob = await harness.RegisterAsync("bob", connect: false);
        TestDevice carol = await harness.RegisterAsync("carol", connect: false);

        // 1:1: PQXDH from bundles the relay served, then two messages each (prekey messages until the peer answers).
        foreach (TestDevice to in new[] { bob, carol })
        {
            PreKeyBundle bundle = Assert.Single(await alice.Transport.FetchPreKeyBundlesAsync(to.Address.Name));
            await alice.Cipher.ProcessPreKeyBundleAsync(to.Address, bundle);
        }

        var oneToOne = new List<OutgoingEnvelope>();
        foreach (TestDevice to in new[] { bob, carol })
        {
            CiphertextMessage message = await alice.Cipher.EncryptAsync(to.Address, Encoding.UTF8.GetBytes(Secrets[0]));
            oneToOne.Add(new OutgoingEnvelope(to.Address, to.RegistrationId, EnvelopeType.PreKey, message.Serialize()));
        }

        Assert.Equal(SubmitOutcome.Accepted, (await alice.Transport.SubmitAsync(new SubmitRequest(Submits.NewId(), harness.Clock.GetUtcNow(), oneToOne))).Outcome);

        var second = new List<OutgoingEnvelope>();
        foreach (TestDevice to in new[] { bob, carol })
        {
            CiphertextMessage message = await alice.Cipher.EncryptAsync(to.Address, Encoding.UTF8.GetBytes(Secrets[1]));
            second.Add(new OutgoingEnvelope(to.Address, to.RegistrationId, EnvelopeType.PreKey, message.Serialize()));
        }

        Assert.Equal(SubmitOutcome.Accepted, (await alice.Transport.SubmitAsync(new SubmitRequest(Submits.NewId(), harness.Clock.GetUtcNow(), second))).Outcome);

        // Group: the sender-key distribution goes pairwise (inside the sessions above), the group message once.
        Guid distributionId = Guid.NewGuid();
        var group = new GroupCipher(alice.Store);
        SenderKeyDistributionMessage distribution = await group.CreateDistributionMessageAsync(alice.Address, distributionId);
        SenderKeyMessage groupMessage = await group.EncryptAsync(alice.Address, distributionId, Encoding.UTF8.GetBytes(Secrets[2]));
        SubmitResult groupResult = await alice.Transport.SubmitAsync(Submits.To([bob, carol], groupMessage.Serialize(), type: EnvelopeType.SenderKey, groupId: distributionId.ToByteArray()));
        Assert.Equal(SubmitOutcome.Accepted, groupResult.Outcome);

        // Scan every stored byte.
        Assert.Equal(6, harness.Inbox.DumpStoredBytes().Count());
        List<byte[]> stored = harness.AllStoredBytes().ToList();
        foreach (string secret in Secrets)
        {
            foreach (byte[] needle in new[] { Encoding.UTF8.GetBytes(secret), Encoding.Unicode.GetBytes(secret), Encoding.UTF8.GetBytes(secret[..12]) })
            {
                Assert.All(stored, blob => Assert.Equal(-1, blob.AsSpan().IndexOf(needle)));
            }
        }

        // And the relay delivered something the recipients can actually read.
        await bob.ConnectAsync();
        List<Envelope> delivered = await bob.DrainAsync();
        Assert.Equal(3, delivered.Count);
        Assert.Equal(Secrets[0], Encoding.UTF8.GetString(await bob.Cipher.DecryptAsync(alice.Address, PreKeySignalMessage.Deserialize(delivered[0].Ciphertext.Span))));
        Assert.Equal(Secrets[1], Encoding.UTF8.GetString(await bob.Cipher.DecryptAsync(alice.Address, PreKeySignalMessage.Deserialize(delivered[1].Ciphertext.Span))));
        var bobGroup = new GroupCipher(bob.Store);
        await bobGroup.ProcessDistributionMessageAsync(alice.Address, SenderKeyDistributionMessage.Deserialize(distribution.Serialize()));
        Assert.Equal(Secrets[2], Encoding.UTF8.GetString(await bobGroup.DecryptAsync(alice.Address, SenderKeyMessage.Deserialize(delivered[2].Ciphertext.Span))));
    }
}
