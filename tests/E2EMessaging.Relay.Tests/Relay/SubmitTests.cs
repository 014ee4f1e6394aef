using E2EMessaging.Protocol;
using E2EMessaging.Relay.Tests.Infrastructure;
using E2EMessaging.Wire;
using Xunit;

namespace E2EMessaging.Relay.Tests.Relay;

public sealed class SubmitTests
{
    [Fact]
    public async Task An_accepted_submit_is_persisted_before_the_ack_which_carries_sequence_and_time()
    {
        await using var harness = new RelayHarness();
        TestDevice alice = await harness.RegisterAsync("alice");
        TestDevice bob = await harness.RegisterAsync("bob", connect: false);
        TestDevice bobLaptop = await harness.LinkAsync(bob, connect: false);

        SubmitResult result = await alice.Transport.SubmitAsync(Submits.To([bob, bobLaptop], Submits.Bytes("c1")));

        Assert.Equal(SubmitOutcome.Accepted, result.Outcome);
        Assert.Equal([bob.Address, bobLaptop.Address], result.Receipts.Select(r => r.Recipient));
        Assert.All(result.Receipts, r => Assert.Equal(1ul, r.ServerSequence));
        Assert.All(result.Receipts, r => Assert.Equal(harness.Clock.GetUtcNow(), r.ServerTimestamp));
        Assert.Equal(1, await harness.Inbox.CountAsync(bob.Address));
        Assert.Equal(1, await harness.Inbox.CountAsync(bobLaptop.Address));
        Envelope stored = Assert.Single(await harness.Inbox.ReadAsync(bob.Address, 0, 10));
        Assert.Equal(alice.Address, stored.Sender); // the relay names the sender from the authenticated connection
    }

    [Fact]
    public async Task Device_mismatch_names_missing_extra_and_stale_devices_and_stores_nothing()
    {
        await using var harness = new RelayHarness();
        TestDevice alice = await harness.RegisterAsync("alice");
        TestDevice bob = await harness.RegisterAsync("bob");
        TestDevice bobLaptop = await harness.LinkAsync(bob);

        // Missing: the laptop is left out.
        SubmitResult missing = await alice.Transport.SubmitAsync(Submits.To([bob], Submits.Bytes("c")));
        Assert.Equal(SubmitOutcome.DeviceMismatch, missing.Outcome);
        Assert.Equal([bobLaptop.Address], missing.MissingDevices);

        // Extra: a device that does not exist. Stale: a registration id that is not the device's.
        var id = Submits.NewId();
        var request = new SubmitRequest(id, DateTimeOffset.UnixEpoch, [
            new OutgoingEnvelope(bob.Address, bob.RegistrationId + 1, EnvelopeType.Whisper, Submits.Bytes("c")),
            new OutgoingEnvelope(bobLaptop.Address, bobLaptop.RegistrationId, EnvelopeType.Whisper, Submits.Bytes("c")),
            new OutgoingEnvelope(new ProtocolAddress("bob", 9), 1, EnvelopeType.Whisper, Submits.Bytes("c")),
        ]);
        SubmitResult mismatch = await alice.Transport.SubmitAsync(request);
        Assert.Equal(SubmitOutcome.DeviceMismatch, mismatch.Outcome);
        Assert.Empty(mismatch.MissingDevices);
        Assert.Equal([new ProtocolAddress("bob", 9)], mismatch.ExtraDevices);
        Assert.Equal([bob.Address], mismatch.StaleDevices);
        Assert.Equal(0, await harness.Inbox.CountAsync(bob.Address));

        // The fixed resubmit with the same id is accepted.
        SubmitResult fixedUp = await alice.Transport.SubmitAsync(Submits.To([bob, bobLaptop], Submits.Bytes("c"), id));
        Assert.Equal(SubmitOutcome.Accepted, fixedUp.Outcome);
    }

    [Fact]
    public async Task The_senders_own_other_devices_are_checked_but_the_sender_itself_is_not_expected()
    {
        await using var harness = new RelayHarness();
        TestDevice phone = await harness.RegisterAsync("alice");
        TestDevice laptop = await harness.LinkAsync(phone);
        TestDevice bob = await harness.RegisterAsync("bob");
        Assert.Equal(SubmitOutcome.Accepted, (await phone.Transport.SubmitAsync(Submits.To([bob, laptop], Submits.Bytes("c")))).Outcome);
        SubmitResult toSelf = await phone.Transport.SubmitAsync(Submits.To([bob, laptop, phone], Submits.Bytes("c")));
        Assert.Equal(SubmitOutcome.Refused, toSelf.Outcome);
        Assert.Equal(MessagingErrorKind.InvalidEncoding, toSelf.RefusalKind);
    }

    [Fact]
    public async Task A_retry_gets_the_original_ack_and_is_stored_once()
    {
        await using var harness = new RelayHarness();
        TestDevice alice = await harness.RegisterAsync("alice");
        TestDevice bob = await harness.RegisterAsync("bob", connect: false);
        SubmitRequest request = Submits.To([bob], Submits.Bytes("once"));

        SubmitResult first = await alice.Transport.SubmitAsync(request);
        harness.Clock.Advance(TimeSpan.FromMinutes(5));
        SubmitResult retry = await alice.Transport.SubmitAsync(SubmitRequest.Parse(request.Serialize()));

        Assert.Equal(SubmitOutcome.Accepted, retry.Outcome);
        Assert.Equal(first.Receipts.Single().ServerSequence, retry.Receipts.Single().ServerSequence);
        Assert.Equal(first.Receipts.Single().ServerTimestamp, retry.Receipts.Single().ServerTimestamp);
        Assert.Equal(1, await harness.Inbox.CountAsync(bob.Address));
    }

    [Fact]
    public async Task The_same_id_with_different_content_is_a_typed_refusal_and_stores_nothing_more()
    {
        await using var harness = new RelayHarness();
        TestDevice alice = await harness.RegisterAsync("alice");
        TestDevice bob = await harness.RegisterAsync("bob", connect: false);
        ClientMessageId id = Submits.NewId();
        await alice.Transport.SubmitAsync(Submits.To([bob], Submits.Bytes("original"), id));
        SubmitResult conflict = await alice.Transport.SubmitAsync(Submits.To([bob], Submits.Bytes("tampered"), id));
        Assert.Equal(SubmitOutcome.Refused, conflict.Outcome);
        Assert.Equal(MessagingErrorKind.ConflictingDuplicate, conflict.RefusalKind);
        Assert.Equal(1, await harness.Inbox.CountAsync(bob.Address));
    }

    [Fact]
    public async Task Dedupe_is_per_sender_device()
    {
        await using var harness = new RelayHarness();
        TestDevice alice = await harness.RegisterAsync("alice");
        TestDevice carol = await harness.RegisterAsync("carol");
        TestDevice bob = await harness.RegisterAsync("bob", connect: false);
        ClientMessageId id = Submits.NewId();
        Assert.Equal(SubmitOutcome.Accepted, (await alice.Transport.SubmitAsync(Submits.To([bob], Submits.Bytes("a"), id))).Outcome);
        Assert.Equal(SubmitOutcome.Accepted, (await carol.Transport.SubmitAsync(Submits.To([bob], Submits.Bytes("c"), id))).Outcome);
        Assert.Equal(2, await harness.Inbox.CountAsync(bob.Address));
    }

    [Fact]
    public async Task Dedupe_window_expires()
    {
        await using var harness = new RelayHarness(o => o.DedupeRetention = TimeSpan.FromHours(1));
        TestDevice alice = await harness.RegisterAsync("alice");
        TestDevice bob = await harness.RegisterAsync("bob", connect: false);
        SubmitRequest request = Submits.To([bob], Submits.Bytes("x"));
        await alice.Transport.SubmitAsync(request);
        harness.Clock.Advance(TimeSpan.FromHours(2));
        await harness.Relay.SweepAsync();
        SubmitResult again = await alice.Transport.SubmitAsync(request);
        Assert.Equal(2ul, again.Receipts.Single().ServerSequence);
    }

    [Fact]
    public async Task A_full_inbox_refuses_the_sender_and_stores_nothing_for_anyone()
    {
        await using var harness = new RelayHarness(o => o.MaxInboxEnvelopes = 2);
        TestDevice alice = await harness.RegisterAsync("alice");
        TestDevice bob = await harness.RegisterAsync("bob", connect: false);
        TestDevice carol = await harness.RegisterAsync("carol", connect: false);
        await alice.Transport.SubmitAsync(Submits.To([bob], Submits.Bytes("1")));
        await alice.Transport.SubmitAsync(Submits.To([bob], Submits.Bytes("2")));
        SubmitResult full = await alice.Transport.SubmitAsync(Submits.To([carol, bob], Submits.Bytes("3")));
        Assert.Equal(SubmitOutcome.Refused, full.Outcome);
        Assert.Equal(MessagingErrorKind.InboxFull, full.RefusalKind);
        Assert.Equal(0, await harness.Inbox.CountAsync(carol.Address));
        Assert.Equal(2, await harness.Inbox.CountAsync(bob.Address));
    }

    [Fact]
    public async Task Messages_per_window_are_rate_limited_per_sender_account_with_a_retry_hint()
    {
        await using var harness = new RelayHarness(o => o.MaxMessagesPerWindow = 3);
        TestDevice alice = await harness.RegisterAsync("alice");
        TestDevice bob = await harness.RegisterAsync("bob", connect: false);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(SubmitOutcome.Accepted, (await alice.Transport.SubmitAsync(Submits.To([bob], Submits.Bytes($"m{i}")))).Outcome);
        }

        SubmitResult limited = await alice.Transport.SubmitAsync(Submits.To([bob], Submits.Bytes("m3")));
        Assert.Equal(MessagingErrorKind.RateLimited, limited.RefusalKind);
        Assert.NotNull(limited.RetryAfter);
        Assert.Equal(3, await harness.Inbox.CountAsync(bob.Address));

        harness.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(SubmitOutcome.Accepted, (await alice.Transport.SubmitAsync(Submits.To([bob], Submits.Bytes("m4")))).Outcome);
    }

    [Fact]
    public async Task Fan_out_breadth_is_rate_limited_and_capped_per_submit()
    {
        await using var harness = new RelayHarness(o =>
        {
            o.MaxRecipientDevicesPerWindow = 3;
            o.MaxRecipientsPerSubmit = 2;
        });
        TestDevice alice = await harness.RegisterAsync("alice");
        TestDevice bob = await harness.RegisterAsync("bob", connect: false);
        TestDevice bob2 = await harness.LinkAsync(bob, connect: false);
        TestDevice bob3 = await harness.LinkAsync(bob, connect: false);

        SubmitResult tooMany = await alice.Transport.SubmitAsync(Submits.To([bob, bob2, bob3], Submits.Bytes("x")));
        Assert.Equal(MessagingErrorKind.TooManyRecipients, tooMany.RefusalKind);

        TestDevice carol = await harness.RegisterAsync("carol", connect: false);
        TestDevice carol2 = await harness.LinkAsync(carol, connect: false);
        Assert.Equal(SubmitOutcome.Accepted, (await alice.Transport.SubmitAsync(Submits.To([carol, carol2], Submits.Bytes("1")))).Outcome);
        SubmitResult breadth = await alice.Transport.SubmitAsync(Submits.To([carol, carol2], Submits.Bytes("2")));
        Assert.Equal(MessagingErrorKind.RateLimited, breadth.RefusalKind);
    }

    [Fact]
    public async Task A_group_message_is_one_ciphertext_copied_into_every_member_devices_inbox()
    {
        await using var harness = new RelayHarness();
        TestDevice alice = await harness.RegisterAsync("alice");
        TestDevice bob = await harness.RegisterAsync("bob", connect: false);
        TestDevice bob2 = await harness.LinkAsync(bob, connect: false);
        TestDevice carol = await harness.RegisterAsync("carol", connect: false);
        byte[] groupId = [1, 2, 3, 4];
        byte[] senderKeyCiphertext = Submits.Bytes("one sender-key ciphertext");
        SubmitRequest request = Submits.To([bob, bob2, carol], senderKeyCiphertext, type: EnvelopeType.SenderKey, groupId: groupId);

        // On the wire the shared ciphertext travels once.
        Assert.Single(request.ToProto().Payloads);

        SubmitResult result = await alice.Transport.SubmitAsync(request);
        Assert.Equal(SubmitOutcome.Accepted, result.Outcome);
        foreach (TestDevice member in new[] { bob, bob2, carol })
        {
            Envelope envelope = Assert.Single(await harness.Inbox.ReadAsync(member.Address, 0, 10));
            Assert.Equal(EnvelopeType.SenderKey, envelope.Type);
            Assert.Equal(groupId, envelope.GroupId.ToArray());
            Assert.Equal(senderKeyCiphertext, envelope.Ciphertext.ToArray());
            Assert.Equal(member.Address, envelope.Recipient);
        }
    }

    [Fact]
    public async Task An_unknown_recipient_account_is_a_mismatch_naming_its_devices_as_extra()
    {
        await using var harness = new RelayHarness();
        TestDevice alice = await harness.RegisterAsync("alice");
        var request = new SubmitRequest(Submits.NewId(), DateTimeOffset.UnixEpoch, [new OutgoingEnvelope(new ProtocolAddress("nobody", 1), 1, EnvelopeType.PreKey, Submits.Bytes("x"))]);
        SubmitResult result = await alice.Transport.SubmitAsync(request);
        Assert.Equal(SubmitOutcome.DeviceMismatch, result.Outcome);
        Assert.Equal([new ProtocolAddress("nobody", 1)], result.ExtraDevices);
    }
}
