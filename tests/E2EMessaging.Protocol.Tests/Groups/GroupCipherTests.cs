using E2EMessaging.Protocol.Messages;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Groups;

public sealed class GroupCipherTests
{
    [Fact]
    public async Task Members_read_each_others_group_messages()
    {
        Guid group = Guid.NewGuid();
        var alice = new Member("alice");
        var bob = new Member("bob");
        var carol = new Member("carol");
        await alice.DistributeAsync(group, bob, carol);
        await bob.DistributeAsync(group, alice, carol);

        SenderKeyMessage fromAlice = await alice.SendAsync(group, "hello group");
        Assert.Equal(0x33, fromAlice.Serialize()[0]);
        Assert.Equal(group, fromAlice.DistributionId);
        Assert.Equal("hello group", await bob.ReceiveAsync(alice, fromAlice));
        Assert.Equal("hello group", await carol.ReceiveAsync(alice, fromAlice));

        SenderKeyMessage fromBob = await bob.SendAsync(group, "hi all");
        Assert.Equal("hi all", await alice.ReceiveAsync(bob, fromBob));
        Assert.Equal("hi all", await carol.ReceiveAsync(bob, fromBob));
    }

    [Fact]
    public async Task Chain_ids_are_31_bits_and_each_key_has_its_own_signing_key()
    {
        var alice = new Member("alice");
        var chainIds = new HashSet<uint>();
        var signingKeys = new HashSet<string>();
        for (int i = 0; i < 64; i++)
        {
            SenderKeyDistributionMessage message = await alice.Cipher.RotateAsync(alice.Address, Guid.NewGuid());
            Assert.True(message.ChainId < (1u << 31));
            chainIds.Add(message.ChainId);
            signingKeys.Add(Convert.ToHexString(message.SigningKey.Serialize()));
            Assert.Equal(0u, message.Iteration);
        }

        Assert.Equal(64, chainIds.Count);
        Assert.Equal(64, signingKeys.Count);
        Assert.Contains(chainIds, id => id >= (1u << 30));
    }

    [Fact]
    public async Task Duplicates_and_tampering_fail_and_leave_the_record_unchanged()
    {
        Guid group = Guid.NewGuid();
        var alice = new Member("alice");
        var bob = new Member("bob");
        await alice.DistributeAsync(group, bob);
        SenderKeyMessage first = await alice.SendAsync(group, "one");
        SenderKeyMessage second = await alice.SendAsync(group, "two");
        Assert.Equal("two", await bob.ReceiveAsync(alice, second));
        Assert.Equal("one", await bob.ReceiveAsync(alice, first));

        byte[] before = await bob.RecordBytesAsync(alice, group);
        var duplicate = await Assert.ThrowsAsync<ProtocolException>(() => bob.ReceiveAsync(alice, first));
        Assert.Equal(ProtocolErrorKind.DuplicateMessage, duplicate.Kind);
        Assert.Equal(before, await bob.RecordBytesAsync(alice, group));

        SenderKeyMessage third = await alice.SendAsync(group, "three");
        byte[] wire = third.Serialize();
        for (int i = 0; i < wire.Length; i++)
        {
            byte[] tampered = (byte[])wire.Clone();
            tampered[i] ^= (byte)(1 << (i % 8));
            if (i == 0)
            {
                tampered[0] ^= 0x10; // the high nibble carries the version; flip a bit there
            }

            await Assert.ThrowsAsync<ProtocolException>(async () => await bob.Cipher.DecryptAsync(alice.Address, SenderKeyMessage.Deserialize(tampered)));
            Assert.Equal(before, await bob.RecordBytesAsync(alice, group));
        }

        Assert.Equal("three", await bob.ReceiveAsync(alice, third));
    }

    [Fact]
    public async Task A_bad_signature_is_refused_before_any_key_is_derived()
    {
        Guid group = Guid.NewGuid();
        var alice = new Member("alice");
        var bob = new Member("bob");
        await alice.DistributeAsync(group, bob);
        byte[] wire = (await alice.SendAsync(group, "signed")).Serialize();
        wire[^10] ^= 0x04;
        var error = await Assert.ThrowsAsync<ProtocolException>(async () => await bob.Cipher.DecryptAsync(alice.Address, SenderKeyMessage.Deserialize(wire)));
        Assert.Equal(ProtocolErrorKind.InvalidSignature, error.Kind);
    }

    [Fact]
    public async Task Forward_jump_of_25000_is_accepted_25001_is_not_and_2000_skipped_keys_are_kept()
    {
        Guid group = Guid.NewGuid();
        var alice = new Member("alice");
        var bob = new Member("bob");
        var carol = new Member("carol");
        await alice.DistributeAsync(group, bob, carol);
        var messages = new SenderKeyMessage[25_002];
        for (int i = 0; i < messages.Length; i++)
        {
            messages[i] = await alice.SendAsync(group, $"m{i}");
        }

        // Bob's chain is at iteration 0: iteration 25,001 is a jump of 25,001 and is refused; 25,000 is accepted.
        byte[] before = await bob.RecordBytesAsync(alice, group);
        var tooFar = await Assert.ThrowsAsync<ProtocolException>(() => bob.ReceiveAsync(alice, messages[25_001]));
        Assert.Equal(ProtocolErrorKind.MessageTooFarAhead, tooFar.Kind);
        Assert.Equal(before, await bob.RecordBytesAsync(alice, group));
        Assert.Equal("m25000", await bob.ReceiveAsync(alice, messages[25_000]));

        // The newest 2,000 skipped keys (23,000 … 24,999) are kept; older ones are gone.
        Assert.Equal("m23000", await bob.ReceiveAsync(alice, messages[23_000]));
        Assert.Equal("m24999", await bob.ReceiveAsync(alice, messages[24_999]));
        var dropped = await Assert.ThrowsAsync<ProtocolException>(() => bob.ReceiveAsync(alice, messages[22_999]));
        Assert.Equal(ProtocolErrorKind.DuplicateMessage, dropped.Kind);

        // 100 and 1,000 skipped: everything in between stays decryptable.
        Assert.Equal("m1000", await carol.ReceiveAsync(alice, messages[1_000]));
        for (int i = 999; i >= 0; i -= 111)
        {
            Assert.Equal($"m{i}", await carol.ReceiveAsync(alice, messages[i]));
        }
    }

    [Fact]
    public async Task Rotation_locks_out_a_removed_member_and_keeps_old_messages_readable()
    {
        Guid group = Guid.NewGuid();
        var alice = new Member("alice");
        var bob = new Member("bob");
        var mallory = new Member("mallory");
        await alice.DistributeAsync(group, bob, mallory);
        SenderKeyMessage beforeRemoval = await alice.SendAsync(group, "before");

        // Mallory is removed: Alice rotates and sends the new key to Bob only.
        SenderKeyDistributionMessage rotated = await alice.Cipher.RotateAsync(alice.Address, group);
        await bob.Cipher.ProcessDistributionMessageAsync(alice.Address, SenderKeyDistributionMessage.Deserialize(rotated.Serialize()));
        SenderKeyMessage afterRemoval = await alice.SendAsync(group, "after");
        Assert.NotEqual(beforeRemoval.ChainId, afterRemoval.ChainId);

        Assert.Equal("after", await bob.ReceiveAsync(alice, afterRemoval));
        var lockedOut = await Assert.ThrowsAsync<ProtocolException>(() => mallory.ReceiveAsync(alice, afterRemoval));
        Assert.Equal(ProtocolErrorKind.NoSenderKeyState, lockedOut.Kind);

        // The new distribution added a state beside the old one: a late message on the old key still decrypts.
        Assert.Equal("before", await bob.ReceiveAsync(alice, beforeRemoval));
    }

    [Fact]
    public async Task Five_states_are_kept_per_sender()
    {
        Guid group = Guid.NewGuid();
        var alice = new Member("alice");
        var bob = new Member("bob");
        var late = new List<SenderKeyMessage>();
        for (int i = 0; i < 6; i++)
        {
            SenderKeyDistributionMessage key = await alice.Cipher.RotateAsync(alice.Address, group);
            await bob.Cipher.ProcessDistributionMessageAsync(alice.Address, SenderKeyDistributionMessage.Deserialize(key.Serialize()));
            late.Add(await alice.SendAsync(group, $"key {i}"));
        }

        var gone = await Assert.ThrowsAsync<ProtocolException>(() => bob.ReceiveAsync(alice, late[0]));
        Assert.Equal(ProtocolErrorKind.NoSenderKeyState, gone.Kind);
        for (int i = 1; i < 6; i++)
        {
            Assert.Equal($"key {i}", await bob.ReceiveAsync(alice, late[i]));
        }
    }

    [Fact]
    public async Task Encrypting_without_a_key_and_decrypting_from_an_unknown_sender_are_typed_errors()
    {
        Guid group = Guid.NewGuid();
        var alice = new Member("alice");
        var bob = new Member("bob");
        var noKey = await Assert.ThrowsAsync<ProtocolException>(() => alice.SendAsync(group, "x"));
        Assert.Equal(ProtocolErrorKind.NoSenderKeyState, noKey.Kind);
        await alice.DistributeAsync(group);
        var unknown = await Assert.ThrowsAsync<ProtocolException>(async () => await bob.ReceiveAsync(alice, await alice.SendAsync(group, "x")));
        Assert.Equal(ProtocolErrorKind.NoSenderKeyState, unknown.Kind);
    }

    [Fact]
    public async Task Distribution_messages_do_not_print_their_chain_key()
    {
        var alice = new Member("alice");
        SenderKeyDistributionMessage message = await alice.Cipher.CreateDistributionMessageAsync(alice.Address, Guid.NewGuid());
        Assert.DoesNotContain(Convert.ToHexString(message.ChainKey.ToByteArray()), message.ToString(), StringComparison.OrdinalIgnoreCase);
    }
}
