using System.Diagnostics;
using System.Text;
using System.Text.Json;
using E2EMessaging.Interop.Tests.NodeHost;
using E2EMessaging.Protocol;
using E2EMessaging.Protocol.Groups;
using E2EMessaging.Protocol.Messages;
using E2EMessaging.Protocol.Storage;
using Xunit;
using Xunit.Abstractions;

namespace E2EMessaging.Interop.Tests;

/// <summary>
/// Sender-key (group) messaging against libsignal 0.103, in both directions: distribution messages and group messages
/// parse on the other side with the same fields, group messages decrypt across libraries (several senders, random
/// delivery order), both refuse the same things (jumps beyond 25,000, skipped keys beyond the newest 2,000, bad
/// signatures, duplicates, dropped states), and a receiver's record after the same inputs is byte-identical.
/// </summary>
/// <remarks>
/// Every test drives "devices" of both kinds through one interface: <see cref="OurDevice"/> is a
/// <see cref="GroupCipher"/> over an <see cref="InMemorySenderKeyStore"/>; <see cref="LibDevice"/> is a libsignal group
/// member in the Node peer (its store keeps records serialized too). Randomized tests print their seed in every
/// assertion message.
/// </remarks>
[Collection(LibsignalCollection.Name)]
public sealed class GroupInteropTests(NodePeerFixture fixture, ITestOutputHelper output)
{
    private const int MaxForwardJump = 25_000;
    private const int SkippedKeysKept = 2_000;

    private NodePeer Peer => fixture.Peer;

    [Fact]
    public async Task Distribution_and_group_messages_parse_on_the_other_side_with_the_same_fields()
    {
        Guid group = Guid.NewGuid();

        for (int round = 0; round < 2; round++)
        {
            // Round 0 describes fresh keys (iteration 0); round 1 keys that have sent 7 messages.
            var ours = new OurDevice(Unique("ours"), 5);
            LibDevice theirs = await LibDevice.CreateAsync(Peer, Unique("theirs"), 6);
            if (round == 1)
            {
                await ours.CreateDistributionAsync(group);
                await theirs.CreateDistributionAsync(group);
                await ours.DiscardAsync(group, 7);
                await theirs.DiscardAsync(group, 7);
            }

            // Ours, read by libsignal: every exposed field agrees, and libsignal's own encoding of those fields
            // (with our signing key) is exactly our bytes.
            byte[] ourWire = await ours.CreateDistributionAsync(group);
            SenderKeyDistributionMessage ourDistribution = SenderKeyDistributionMessage.Deserialize(ourWire);
            JsonElement parsed = await Peer.CallAsync("parseSenderKeyDistributionMessage", new { serialized = ourWire });
            Assert.Equal(group.ToString("D"), parsed.GetString("distributionId"));
            Assert.Equal(ourDistribution.ChainId, (uint)parsed.GetInt64("chainId"));
            Assert.Equal(round == 0 ? 0u : 7u, (uint)parsed.GetInt64("iteration"));
            Assert.Equal(ourDistribution.ChainKey.ToByteArray(), parsed.GetBytes("chainKey"));
            Assert.Equal(ourWire, parsed.GetBytes("serialized"));
            JsonElement rebuilt = await Peer.CallAsync("senderKeyDistributionMessageNew", new
            {
                distributionId = group.ToString(),
                chainId = (long)ourDistribution.ChainId,
                iteration = (long)ourDistribution.Iteration,
                chainKey = ourDistribution.ChainKey.ToByteArray(),
                signingKey = ourDistribution.SigningKey.Serialize(),
            });
            Assert.Equal(ourWire, rebuilt.GetBytes("serialized"));

            // libsignal's, read here: the same fields as libsignal reports, and our encoding of them is its bytes.
            byte[] theirWire = await theirs.CreateDistributionAsync(group);
            SenderKeyDistributionMessage theirDistribution = SenderKeyDistributionMessage.Deserialize(theirWire);
            JsonElement theirParsed = await Peer.CallAsync("parseSenderKeyDistributionMessage", new { serialized = theirWire });
            Assert.Equal(group, theirDistribution.DistributionId);
            Assert.Equal((uint)theirParsed.GetInt64("chainId"), theirDistribution.ChainId);
            Assert.True(theirDistribution.ChainId < 1u << 31, "libsignal's chain ids are 31 bits");
            Assert.Equal(round == 0 ? 0u : 7u, theirDistribution.Iteration);
            Assert.Equal(theirParsed.GetBytes("chainKey"), theirDistribution.ChainKey.ToByteArray());
            Assert.Equal(theirWire, theirDistribution.Serialize());
            Assert.Equal(theirWire, SenderKeyDistributionMessage.Create(group, theirDistribution.ChainId, theirDistribution.Iteration, theirDistribution.ChainKey.Span, theirDistribution.SigningKey).Serialize());

            // Group messages: the fields agree both ways, and each side's signature verifies on both sides with the
            // signing key as the other side parsed it (libsignal's API does not expose a distribution's signing key).
            byte[] ourMessage = (await ours.EncryptAsync(group, [Encoding.UTF8.GetBytes("from ours")]))[0];
            SenderKeyMessage ourParsed = SenderKeyMessage.Deserialize(ourMessage);
            JsonElement libOfOurs = await Peer.CallAsync("parseSenderKeyMessage", new { serialized = ourMessage, signingKey = ourDistribution.SigningKey.Serialize() });
            Assert.Equal(group.ToString("D"), libOfOurs.GetString("distributionId"));
            Assert.Equal(ourParsed.ChainId, (uint)libOfOurs.GetInt64("chainId"));
            Assert.Equal(round == 0 ? 0u : 7u, (uint)libOfOurs.GetInt64("iteration"));
            Assert.Equal(ourParsed.Ciphertext.ToByteArray(), libOfOurs.GetBytes("ciphertext"));
            Assert.True(libOfOurs.GetBoolean("signatureValid"), "libsignal verifies our group message's signature");
            Assert.Equal(0x33, ourMessage[0]);

            byte[] theirMessage = (await theirs.EncryptAsync(group, [Encoding.UTF8.GetBytes("from libsignal")]))[0];
            SenderKeyMessage theirParsedMessage = SenderKeyMessage.Deserialize(theirMessage);
            JsonElement libOfTheirs = await Peer.CallAsync("parseSenderKeyMessage", new { serialized = theirMessage, signingKey = theirDistribution.SigningKey.Serialize() });
            Assert.Equal(group, theirParsedMessage.DistributionId);
            Assert.Equal(theirDistribution.ChainId, theirParsedMessage.ChainId);
            Assert.Equal((uint)libOfTheirs.GetInt64("iteration"), theirParsedMessage.Iteration);
            Assert.Equal(round == 0 ? 0u : 7u, theirParsedMessage.Iteration);
            Assert.Equal(libOfTheirs.GetBytes("ciphertext"), theirParsedMessage.Ciphertext.ToByteArray());
            Assert.Equal(theirMessage, theirParsedMessage.Serialize());
            Assert.True(libOfTheirs.GetBoolean("signatureValid"), "the signing key we parsed from libsignal's distribution message verifies its message in libsignal");
            Assert.True(theirParsedMessage.VerifySignature(theirDistribution.SigningKey), "libsignal's group message verifies here");
            Assert.Equal(0x33, theirMessage[0]);

            // The single-message ops: libsignal processes our distribution message and decrypts our group message;
            // its groupEncrypt returns a CiphertextMessage of type SenderKey (7) holding exactly the SenderKeyMessage.
            LibDevice receiver = await LibDevice.CreateAsync(Peer, Unique("theirs-rx"), 7);
            await receiver.ProcessDistributionAsync(ours, ourWire);
            JsonElement decrypted = await Peer.CallAsync("groupDecrypt", new { name = receiver.Name, senderName = ours.Name, senderDeviceId = ours.DeviceId, serialized = ourMessage });
            Assert.Equal("from ours", Encoding.UTF8.GetString(decrypted.GetBytes("plaintext")));
            JsonElement single = await Peer.CallAsync("groupEncrypt", new { name = theirs.Name, distributionId = group.ToString(), plaintext = Encoding.UTF8.GetBytes("single") });
            SenderKeyMessage singleParsed = SenderKeyMessage.Deserialize(single.GetBytes("serialized"));
            Assert.Equal(theirParsedMessage.Iteration + 1, singleParsed.Iteration);
            Assert.Equal((int)CiphertextMessageType.SenderKey, single.GetInt32("type"));
        }
    }

    [Fact]
    public async Task Distribution_messages_are_processed_by_the_other_side_and_messages_decrypt_both_ways()
    {
        int seed = Random.Shared.Next();
        var rng = new Random(seed);
        output.WriteLine($"seed {seed}");
        Guid group = Guid.NewGuid();
        var ours = new OurDevice(Unique("ours"), 1);
        var ourReceiver = new OurDevice(Unique("ours-rx"), 2);
        LibDevice theirs = await LibDevice.CreateAsync(Peer, Unique("theirs"), 3);
        LibDevice theirReceiver = await LibDevice.CreateAsync(Peer, Unique("theirs-rx"), 4);
        await DistributeAsync(group, ours, ourReceiver, theirs, theirReceiver);
        await DistributeAsync(group, theirs, ours, ourReceiver, theirReceiver);

        foreach (Device sender in new Device[] { ours, theirs })
        {
            byte[][] plaintexts = [.. Enumerable.Range(0, 300).Select(i => RandomBytes(rng, i < 2 ? i * 4096 : rng.Next(0, 4097)))];
            byte[][] wire = await sender.EncryptAsync(group, plaintexts);
            foreach (Device receiver in new Device[] { ours, ourReceiver, theirs, theirReceiver }.Where(d => d != sender))
            {
                Outcome[] outcomes = await receiver.DecryptAsync([.. wire.Select(w => (sender, w))]);
                for (int i = 0; i < plaintexts.Length; i++)
                {
                    AssertDecrypted(outcomes[i], plaintexts[i], $"seed {seed}: {sender} → {receiver}, message {i} ({plaintexts[i].Length} bytes)");
                }
            }
        }
    }

    [Fact]
    public async Task Several_senders_on_both_sides_with_messages_delivered_in_random_order()
    {
        int seed = Random.Shared.Next();
        var rng = new Random(seed);
        output.WriteLine($"seed {seed}");
        Guid group = Guid.NewGuid();
        Device[] members =
        [
            new OurDevice(Unique("ours1"), 1),
            new OurDevice(Unique("ours2"), 2),
            await LibDevice.CreateAsync(Peer, Unique("theirs1"), 3),
            await LibDevice.CreateAsync(Peer, Unique("theirs2"), 4),
        ];
        foreach (Device sender in members)
        {
            await DistributeAsync(group, sender, [.. members.Where(m => m != sender)]);
        }

        // Every member sends at once (ours on the thread pool, libsignal's in its own process); the sizes are drawn
        // up front so the seed alone fixes the plaintexts.
        const int perSender = 80;
        byte[][][] plaintexts = [.. members.Select(_ => Enumerable.Range(0, perSender).Select(_ => RandomBytes(rng, rng.Next(0, 4097))).ToArray())];
        byte[][][] sent = await Task.WhenAll(members.Select((m, i) => Task.Run(() => m.EncryptAsync(group, plaintexts[i]))));

        // Each receiver gets the other members' messages in its own random order. Our receivers work on the senders'
        // streams in parallel (one GroupCipher per device serves them all); libsignal's get them one by one.
        var deliveries = new List<(Device Receiver, (int Sender, int Index)[] Order)>();
        foreach (Device receiver in members)
        {
            (int, int)[] order = [.. members.Select((m, s) => (m, s)).Where(x => x.m != receiver).SelectMany(x => Enumerable.Range(0, perSender).Select(i => (x.s, i)))];
            rng.Shuffle(order);
            deliveries.Add((receiver, order));
        }

        await Task.WhenAll(deliveries.Select(async d =>
        {
            Outcome[] outcomes;
            if (d.Receiver is OurDevice ourReceiver)
            {
                outcomes = new Outcome[d.Order.Length];
                await Task.WhenAll(d.Order.Select((x, position) => (x, position)).GroupBy(p => p.x.Sender).Select(stream => Task.Run(async () =>
                {
                    foreach (((int s, int i), int position) in stream)
                    {
                        outcomes[position] = (await ourReceiver.DecryptAsync([(members[s], sent[s][i])]))[0];
                    }
                })));
            }
            else
            {
                outcomes = await d.Receiver.DecryptAsync([.. d.Order.Select(x => (members[x.Sender], sent[x.Sender][x.Index]))]);
            }

            for (int position = 0; position < d.Order.Length; position++)
            {
                (int s, int i) = d.Order[position];
                AssertDecrypted(outcomes[position], plaintexts[s][i], $"seed {seed}: {members[s]} → {d.Receiver}, message {i} delivered at position {position}");
            }
        }));

        // With every message delivered no skipped key is left, and each receiver's record of a sender is the same bytes on both sides.
        foreach (Device sender in members)
        {
            byte[][] records = await Task.WhenAll(members.Where(m => m != sender).Select(async m => await m.RecordAsync(sender, group) ?? []));
            Assert.All(records, r => Assert.Equal(records[0], r));
            Assert.Empty(SenderKeyRecord.Deserialize(records[0]).States[0].SenderMessageKeys);
        }
    }

    [Fact]
    public async Task A_jump_of_25000_is_accepted_and_25001_refused_by_both_and_the_newest_2000_skipped_keys_are_kept()
    {
        var clock = Stopwatch.StartNew();
        Guid group = Guid.NewGuid();
        await Task.WhenAll(
            JumpBoundaryAsync(group, new OurDevice(Unique("ours"), 1)),
            Task.Run(async () => await JumpBoundaryAsync(group, await LibDevice.CreateAsync(Peer, Unique("theirs"), 2))));
        output.WriteLine($"both directions: {clock.Elapsed.TotalSeconds:F1} s");
    }

    private async Task JumpBoundaryAsync(Guid group, Device sender)
    {
        // Two receivers of each kind, all given the sender's key at iteration 0.
        Device[] first = [new OurDevice(Unique("ours-a"), 11), await LibDevice.CreateAsync(Peer, Unique("theirs-a"), 12)];
        Device[] second = [new OurDevice(Unique("ours-b"), 13), await LibDevice.CreateAsync(Peer, Unique("theirs-b"), 14)];
        await DistributeAsync(group, sender, [.. first, .. second]);

        // Messages at the window's edges: J = 25,000 is the jump limit, J - 2,000 the oldest skipped key kept.
        const uint J = MaxForwardJump;
        var clock = Stopwatch.StartNew();
        Dictionary<uint, byte[]> at = await SendAtAsync(sender, group, J - SkippedKeysKept - 1, J - SkippedKeysKept, J - 1, J, J + 1);
        output.WriteLine($"{sender}: {J + 2} messages encrypted in {clock.Elapsed.TotalSeconds:F1} s");

        // 25,001 ahead is refused, and leaves the record as it was: 25,000 ahead is still accepted afterwards.
        foreach (Device receiver in second)
        {
            Outcome[] outcomes = await receiver.DecryptAsync([(sender, at[J + 1]), (sender, at[J]), (sender, at[J + 1])]);
            AssertRefused(outcomes[0], Refusal.TooFarAhead, $"{sender} → {receiver}: a jump of {J + 1}");
            AssertDecrypted(outcomes[1], Plaintext(J), $"{sender} → {receiver}: a jump of {J}");
            AssertDecrypted(outcomes[2], Plaintext(J + 1), $"{sender} → {receiver}: the next message");
        }

        // After the jump of 25,000 exactly the newest 2,000 skipped keys are kept, and the records agree byte for byte.
        var records = new List<byte[]>();
        foreach (Device receiver in first)
        {
            Outcome jump = (await receiver.DecryptAsync([(sender, at[J])]))[0];
            AssertDecrypted(jump, Plaintext(J), $"{sender} → {receiver}: a jump of {J}");
            byte[] record = await receiver.RecordAsync(sender, group) ?? [];
            Assert.Equal(SkippedKeysKept, SenderKeyRecord.Deserialize(record).States[0].SenderMessageKeys.Count);
            records.Add(record);

            Outcome[] outcomes = await receiver.DecryptAsync([(sender, at[J]), (sender, at[J - SkippedKeysKept - 1]), (sender, at[J - SkippedKeysKept]), (sender, at[J - 1]), (sender, at[J - 1]), (sender, at[J + 1])]);
            AssertRefused(outcomes[0], Refusal.Duplicate, $"{sender} → {receiver}: {J} again");
            AssertRefused(outcomes[1], Refusal.Duplicate, $"{sender} → {receiver}: {J - SkippedKeysKept - 1}, whose key was dropped");
            AssertDecrypted(outcomes[2], Plaintext(J - SkippedKeysKept), $"{sender} → {receiver}: the oldest kept key");
            AssertDecrypted(outcomes[3], Plaintext(J - 1), $"{sender} → {receiver}: the newest kept key");
            AssertRefused(outcomes[4], Refusal.Duplicate, $"{sender} → {receiver}: {J - 1} again");
            AssertDecrypted(outcomes[5], Plaintext(J + 1), $"{sender} → {receiver}: the next message");
        }

        Assert.Equal(records[0], records[1]);
    }

    [Fact]
    public async Task Skipped_keys_beyond_2000_are_dropped_oldest_first_across_several_jumps_in_both()
    {
        // A receiver that gets 1,500 then 2,700 has kept 1,500 + 1,199 keys, and drops the oldest 699 (0 … 698).
        Guid group = Guid.NewGuid();
        foreach (Device sender in new Device[] { new OurDevice(Unique("ours"), 1), await LibDevice.CreateAsync(Peer, Unique("theirs"), 2) })
        {
            Device[] receivers = [new OurDevice(Unique("ours-rx"), 3), await LibDevice.CreateAsync(Peer, Unique("theirs-rx"), 4)];
            await DistributeAsync(group, sender, receivers);
            Dictionary<uint, byte[]> at = await SendAtAsync(sender, group, 0, 698, 699, 1500, 1501, 2699, 2700);
            var records = new List<byte[]>();
            foreach (Device receiver in receivers)
            {
                Outcome[] outcomes = await receiver.DecryptAsync([.. new uint[] { 1500, 2700 }.Select(i => (sender, at[i]))]);
                AssertDecrypted(outcomes[0], Plaintext(1500), $"{sender} → {receiver}: 1500");
                AssertDecrypted(outcomes[1], Plaintext(2700), $"{sender} → {receiver}: 2700");
                records.Add(await receiver.RecordAsync(sender, group) ?? []);

                uint[] probes = [0, 698, 699, 1500, 1501, 2699];
                outcomes = await receiver.DecryptAsync([.. probes.Select(i => (sender, at[i]))]);
                AssertRefused(outcomes[0], Refusal.Duplicate, $"{sender} → {receiver}: 0, dropped");
                AssertRefused(outcomes[1], Refusal.Duplicate, $"{sender} → {receiver}: 698, dropped");
                AssertDecrypted(outcomes[2], Plaintext(699), $"{sender} → {receiver}: 699, the oldest kept");
                AssertRefused(outcomes[3], Refusal.Duplicate, $"{sender} → {receiver}: 1500 again");
                AssertDecrypted(outcomes[4], Plaintext(1501), $"{sender} → {receiver}: 1501");
                AssertDecrypted(outcomes[5], Plaintext(2699), $"{sender} → {receiver}: 2699");
            }

            Assert.Equal(records[0], records[1]);
        }
    }

    [Fact]
    public async Task Tampered_signatures_and_duplicates_are_refused_by_both_even_after_the_distribution_message_comes_again()
    {
        int seed = Random.Shared.Next();
        var rng = new Random(seed);
        output.WriteLine($"seed {seed}");
        Guid group = Guid.NewGuid();
        foreach (Device sender in new Device[] { new OurDevice(Unique("ours"), 1), await LibDevice.CreateAsync(Peer, Unique("theirs"), 2) })
        {
            Device[] receivers = [new OurDevice(Unique("ours-rx"), 3), await LibDevice.CreateAsync(Peer, Unique("theirs-rx"), 4)];
            byte[] distribution = await sender.CreateDistributionAsync(group);
            foreach (Device receiver in receivers)
            {
                await receiver.ProcessDistributionAsync(sender, distribution);
            }

            byte[][] plaintexts = [.. Enumerable.Range(0, 40).Select(_ => RandomBytes(rng, rng.Next(0, 600)))];
            byte[][] wire = await sender.EncryptAsync(group, plaintexts);
            byte[][] tampered = [.. wire.Select(w =>
            {
                byte[] t = (byte[])w.Clone();
                int bit = rng.Next(64 * 8);
                t[t.Length - 64 + (bit / 8)] ^= (byte)(1 << (bit % 8));
                return t;
            })];

            foreach (Device receiver in receivers)
            {
                string context = $"seed {seed}: {sender} → {receiver}";
                byte[]? before = await receiver.RecordAsync(sender, group);
                Outcome[] refused = await receiver.DecryptAsync([.. tampered.Select(t => (sender, t))]);
                Assert.All(refused, o => AssertRefused(o, Refusal.BadSignature, context + ", flipped signature bit"));
                Assert.Equal(before, await receiver.RecordAsync(sender, group));

                // Delivered in reverse order (so all but the last come from skipped keys), then each again.
                (Device, byte[])[] twice = [.. wire.Reverse().Select(w => (sender, w)), .. wire.Select(w => (sender, w))];
                Outcome[] outcomes = await receiver.DecryptAsync(twice);
                for (int i = 0; i < wire.Length; i++)
                {
                    AssertDecrypted(outcomes[i], plaintexts[wire.Length - 1 - i], $"{context}, message {wire.Length - 1 - i}");
                    AssertRefused(outcomes[wire.Length + i], Refusal.Duplicate, $"{context}, message {i} again");
                }

                // Processing the same distribution message again keeps the state's progress: no replay window reopens.
                byte[]? delivered = await receiver.RecordAsync(sender, group);
                await receiver.ProcessDistributionAsync(sender, distribution);
                Assert.Equal(delivered, await receiver.RecordAsync(sender, group));
                Outcome replay = (await receiver.DecryptAsync([(sender, wire[0])]))[0];
                AssertRefused(replay, Refusal.Duplicate, $"{context}, message 0 after the distribution message again");
            }
        }
    }

    [Fact]
    public async Task A_rotation_here_is_accepted_by_libsignal_which_keeps_five_states_like_us()
    {
        Guid group = Guid.NewGuid();
        var sender = new OurDevice(Unique("ours"), 1);
        Device[] receivers = [new OurDevice(Unique("ours-rx"), 2), await LibDevice.CreateAsync(Peer, Unique("theirs-rx"), 3)];
        await DistributeAsync(group, sender, receivers);

        // Key 0 sends three messages; only the first is delivered before the rotation.
        byte[][] early = await sender.EncryptAsync(group, [.. Enumerable.Range(0, 3).Select(i => Encoding.UTF8.GetBytes($"key 0, message {i}"))]);
        foreach (Device receiver in receivers)
        {
            AssertDecrypted((await receiver.DecryptAsync([(sender, early[0])]))[0], Encoding.UTF8.GetBytes("key 0, message 0"), $"{receiver}: before the rotation");
        }

        // Five rotations; each new key sends one message, held back until the end.
        var held = new List<(uint ChainId, byte[] Wire, byte[] Plaintext)> { (SenderKeyMessage.Deserialize(early[0]).ChainId, early[1], Encoding.UTF8.GetBytes("key 0, message 1")) };
        for (int key = 1; key <= 5; key++)
        {
            SenderKeyDistributionMessage rotated = await sender.Cipher.RotateAsync(sender.Address, group);
            Assert.Equal(0u, rotated.Iteration);
            Assert.DoesNotContain(held, h => h.ChainId == rotated.ChainId);
            foreach (Device receiver in receivers)
            {
                await receiver.ProcessDistributionAsync(sender, rotated.Serialize());
            }

            byte[] plaintext = Encoding.UTF8.GetBytes($"key {key}");
            byte[] wire = (await sender.EncryptAsync(group, [plaintext]))[0];
            Assert.Equal(rotated.ChainId, SenderKeyMessage.Deserialize(wire).ChainId);
            held.Add((rotated.ChainId, wire, plaintext));

            if (key == 1)
            {
                // Right after the rotation: the new key works, and so does the old one, for both.
                foreach (Device receiver in receivers)
                {
                    Outcome[] outcomes = await receiver.DecryptAsync([(sender, wire), (sender, early[2])]);
                    AssertDecrypted(outcomes[0], plaintext, $"{receiver}: the first message on the new key");
                    AssertDecrypted(outcomes[1], Encoding.UTF8.GetBytes("key 0, message 2"), $"{receiver}: an old-key message after the rotation");
                }

                held.RemoveAt(held.Count - 1);
            }
        }

        // A receiver that never got a distribution message has no state for any of them.
        Device[] strangers = [new OurDevice(Unique("ours-stranger"), 4), await LibDevice.CreateAsync(Peer, Unique("theirs-stranger"), 5)];
        foreach (Device stranger in strangers)
        {
            AssertRefused((await stranger.DecryptAsync([(sender, held[^1].Wire)]))[0], Refusal.NoState, $"{stranger}: without a distribution message");
            Assert.Null(await stranger.RecordAsync(sender, group));
        }

        // Six keys were distributed, five states are kept: key 0's last message is refused, keys 2 … 5 still decrypt.
        foreach (Device receiver in receivers)
        {
            Outcome[] outcomes = await receiver.DecryptAsync([.. held.Select(h => ((Device)sender, h.Wire))]);
            AssertRefused(outcomes[0], Refusal.NoState, $"{receiver}: key 0 after five rotations");
            for (int i = 1; i < held.Count; i++)
            {
                AssertDecrypted(outcomes[i], held[i].Plaintext, $"{receiver}: held message on key {i + 1}");
            }

            byte[] record = await receiver.RecordAsync(sender, group) ?? [];
            Assert.Equal(5, SenderKeyRecord.Deserialize(record).States.Count);
        }

        Assert.Equal(await receivers[0].RecordAsync(sender, group), await receivers[1].RecordAsync(sender, group));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Helpers

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}";

    private static byte[] RandomBytes(Random rng, int length)
    {
        byte[] bytes = new byte[length];
        rng.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Plaintext(uint iteration) => Encoding.UTF8.GetBytes($"iteration {iteration}");

    /// <summary>Sends <paramref name="sender"/>'s distribution message to <paramref name="receivers"/> (in real life over 1:1 sessions).</summary>
    private static async Task DistributeAsync(Guid group, Device sender, params Device[] receivers)
    {
        byte[] wire = await sender.CreateDistributionAsync(group);
        foreach (Device receiver in receivers)
        {
            await receiver.ProcessDistributionAsync(sender, wire);
        }
    }

    /// <summary>
    /// Makes <paramref name="sender"/>'s chain (fresh, at iteration 0) send messages at exactly <paramref name="iterations"/>
    /// (ascending), with <see cref="Plaintext"/> plaintexts; the messages in between are encrypted and dropped.
    /// </summary>
    private static async Task<Dictionary<uint, byte[]>> SendAtAsync(Device sender, Guid group, params uint[] iterations)
    {
        var messages = new Dictionary<uint, byte[]>();
        uint next = 0;
        foreach (uint iteration in iterations)
        {
            await sender.DiscardAsync(group, (int)(iteration - next));
            byte[] wire = (await sender.EncryptAsync(group, [Plaintext(iteration)]))[0];
            Assert.Equal(iteration, SenderKeyMessage.Deserialize(wire).Iteration);
            messages[iteration] = wire;
            next = iteration + 1;
        }

        return messages;
    }

    private static void AssertDecrypted(Outcome outcome, byte[] expected, string context)
    {
        Assert.True(outcome.Plaintext is not null, $"{context}: refused ({outcome.Error})");
        Assert.True(expected.AsSpan().SequenceEqual(outcome.Plaintext), $"{context}: decrypted to other bytes");
    }

    private enum Refusal
    {
        TooFarAhead,
        Duplicate,
        BadSignature,
        NoState,
    }

    /// <summary>The refusal as each side reports it: libsignal's error text, our <see cref="ProtocolErrorKind"/>.</summary>
    private static void AssertRefused(Outcome outcome, Refusal expected, string context)
    {
        Assert.True(outcome.Plaintext is null, $"{context}: accepted, expected {expected}");
        (string libsignal, ProtocolErrorKind ours) = expected switch
        {
            Refusal.TooFarAhead => ("LibSignalError: invalid SenderKey message: message from too far into the future", ProtocolErrorKind.MessageTooFarAhead),
            Refusal.Duplicate => ("DuplicatedMessage: message with old counter", ProtocolErrorKind.DuplicateMessage),
            Refusal.BadSignature => ("LibSignalError: invalid signature detected", ProtocolErrorKind.InvalidSignature),
            Refusal.NoState => ("LibSignalError: missing sender key state for distribution ID", ProtocolErrorKind.NoSenderKeyState),
            _ => throw new ArgumentOutOfRangeException(nameof(expected)),
        };
        if (outcome.Kind is { } kind)
        {
            Assert.True(kind == ours, $"{context}: refused with {outcome.Error}, expected {ours}");
        }
        else
        {
            Assert.True(outcome.Error!.StartsWith(libsignal, StringComparison.Ordinal), $"{context}: libsignal refused with '{outcome.Error}', expected '{libsignal}…'");
        }
    }

    /// <summary>What a receiver made of one message: the plaintext, or the refusal (with our error kind on our side).</summary>
    private sealed record Outcome(byte[]? Plaintext, string? Error, ProtocolErrorKind? Kind);

    /// <summary>A group member on either side.</summary>
    private abstract class Device(string name, uint deviceId)
    {
        public string Name { get; } = name;

        public uint DeviceId { get; } = deviceId;

        public ProtocolAddress Address { get; } = new(name, deviceId);

        public abstract Task<byte[]> CreateDistributionAsync(Guid group);

        public abstract Task ProcessDistributionAsync(Device sender, byte[] serialized);

        public abstract Task<byte[][]> EncryptAsync(Guid group, IReadOnlyList<byte[]> plaintexts);

        /// <summary>Encrypts <paramref name="count"/> empty messages and drops them: the chain moves on by that much.</summary>
        public abstract Task DiscardAsync(Guid group, int count);

        /// <summary>Decrypts in order; a refusal is an outcome, not an exception.</summary>
        public abstract Task<Outcome[]> DecryptAsync(IReadOnlyList<(Device Sender, byte[] Serialized)> items);

        /// <summary>The stored SenderKeyRecord for <paramref name="sender"/>'s key in <paramref name="group"/>.</summary>
        public abstract Task<byte[]?> RecordAsync(Device sender, Guid group);
    }

    private sealed class OurDevice(string name, uint deviceId) : Device(name, deviceId)
    {
        public InMemorySenderKeyStore Store { get; } = new();

        public GroupCipher Cipher => _cipher ??= new GroupCipher(Store);

        private GroupCipher? _cipher;

        public override async Task<byte[]> CreateDistributionAsync(Guid group) => (await Cipher.CreateDistributionMessageAsync(Address, group)).Serialize();

        public override async Task ProcessDistributionAsync(Device sender, byte[] serialized) =>
            await Cipher.ProcessDistributionMessageAsync(sender.Address, SenderKeyDistributionMessage.Deserialize(serialized));

        public override async Task<byte[][]> EncryptAsync(Guid group, IReadOnlyList<byte[]> plaintexts)
        {
            byte[][] messages = new byte[plaintexts.Count][];
            for (int i = 0; i < messages.Length; i++)
            {
                messages[i] = (await Cipher.EncryptAsync(Address, group, plaintexts[i])).Serialize();
            }

            return messages;
        }

        public override async Task DiscardAsync(Guid group, int count)
        {
            for (int i = 0; i < count; i++)
            {
                await Cipher.EncryptAsync(Address, group, ReadOnlyMemory<byte>.Empty);
            }
        }

        public override async Task<Outcome[]> DecryptAsync(IReadOnlyList<(Device Sender, byte[] Serialized)> items)
        {
            var outcomes = new Outcome[items.Count];
            for (int i = 0; i < outcomes.Length; i++)
            {
                try
                {
                    byte[] plaintext = await Cipher.DecryptAsync(items[i].Sender.Address, SenderKeyMessage.Deserialize(items[i].Serialized));
                    outcomes[i] = new Outcome(plaintext, null, null);
                }
                catch (ProtocolException e)
                {
                    outcomes[i] = new Outcome(null, $"{e.Kind}: {e.Message}", e.Kind);
                }
            }

            return outcomes;
        }

        public override async Task<byte[]?> RecordAsync(Device sender, Guid group) => (await Store.LoadSenderKeyAsync(sender.Address, group))?.Serialize();

        public override string ToString() => $"ours {Name}.{DeviceId}";
    }

    private sealed class LibDevice : Device
    {
        private LibDevice(NodePeer peer, string name, uint deviceId)
            : base(name, deviceId)
        {
            Peer = peer;
        }

        public NodePeer Peer { get; }

        public static async Task<LibDevice> CreateAsync(NodePeer peer, string name, uint deviceId)
        {
            await peer.CallAsync("groupMemberCreate", new { name, deviceId });
            return new LibDevice(peer, name, deviceId);
        }

        public override async Task<byte[]> CreateDistributionAsync(Guid group) =>
            (await Peer.CallAsync("groupCreateDistribution", new { name = Name, distributionId = group.ToString() })).GetBytes("serialized");

        public override async Task ProcessDistributionAsync(Device sender, byte[] serialized) =>
            await Peer.CallAsync("groupProcessDistribution", new { name = Name, senderName = sender.Name, senderDeviceId = sender.DeviceId, serialized });

        public override async Task<byte[][]> EncryptAsync(Guid group, IReadOnlyList<byte[]> plaintexts) =>
            (await Peer.CallAsync("groupEncryptBatch", new { name = Name, distributionId = group.ToString(), plaintexts })).GetBytesArray("messages");

        public override async Task DiscardAsync(Guid group, int count) =>
            await Peer.CallAsync("groupEncryptDiscard", new { name = Name, distributionId = group.ToString(), count });

        public override async Task<Outcome[]> DecryptAsync(IReadOnlyList<(Device Sender, byte[] Serialized)> items)
        {
            var request = items.Select(x => new { senderName = x.Sender.Name, senderDeviceId = x.Sender.DeviceId, serialized = x.Serialized }).ToArray();
            JsonElement result = await Peer.CallAsync("groupDecryptBatch", new { name = Name, items = request });
            return [.. result.GetProperty("results").EnumerateArray().Select(r => r.GetBoolean("ok")
                ? new Outcome(r.GetBytes("plaintext"), null, null)
                : new Outcome(null, r.GetString("error"), null))];
        }

        public override async Task<byte[]?> RecordAsync(Device sender, Guid group) =>
            (await Peer.CallAsync("groupSenderKeyRecord", new { name = Name, senderName = sender.Name, senderDeviceId = sender.DeviceId, distributionId = group.ToString() })).GetBytesOrNull("serialized");

        public override string ToString() => $"libsignal {Name}.{DeviceId}";
    }
}
