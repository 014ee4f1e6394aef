using E2EMessaging.Protocol.Messages;
using E2EMessaging.Protocol.Sessions;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Sessions;

public sealed class SessionCipherTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Alice_and_bob_talk_with_ratchet_steps(bool withOneTimePreKey)
    {
        var alice = new Party("alice");
        var bob = new Party("bob");
        await alice.Cipher.ProcessPreKeyBundleAsync(bob.Address, await bob.BundleAsync(withOneTimePreKey));

        CiphertextMessage first = Party.OverTheWire(await alice.EncryptAsync(bob, "hello bob"));
        Assert.Equal(CiphertextMessageType.PreKey, first.Type);
        Assert.Equal(0x44, first.Serialize()[0]);
        CiphertextMessage second = Party.OverTheWire(await alice.EncryptAsync(bob, "are you there?"));
        Assert.Equal(CiphertextMessageType.PreKey, second.Type);

        Assert.Equal("hello bob", await bob.DecryptAsync(alice, first));
        Assert.Equal("are you there?", await bob.DecryptAsync(alice, second));

        for (int round = 0; round < 5; round++)
        {
            CiphertextMessage reply = Party.OverTheWire(await bob.EncryptAsync(alice, $"bob {round}"));
            Assert.Equal(CiphertextMessageType.Whisper, reply.Type);
            Assert.Equal($"bob {round}", await alice.DecryptAsync(bob, reply));
            CiphertextMessage answer = Party.OverTheWire(await alice.EncryptAsync(bob, $"alice {round}"));
            Assert.Equal(CiphertextMessageType.Whisper, answer.Type);
            Assert.Equal($"alice {round}", await bob.DecryptAsync(alice, answer));
        }
    }

    [Fact]
    public async Task Out_of_order_messages_decrypt_once_and_duplicates_are_refused()
    {
        var alice = new Party("alice");
        var bob = new Party("bob");
        await alice.Cipher.ProcessPreKeyBundleAsync(bob.Address, await bob.BundleAsync());
        Assert.Equal("start", await bob.DecryptAsync(alice, Party.OverTheWire(await alice.EncryptAsync(bob, "start"))));
        Assert.Equal("ack", await alice.DecryptAsync(bob, Party.OverTheWire(await bob.EncryptAsync(alice, "ack"))));

        var messages = new List<CiphertextMessage>();
        for (int i = 0; i < 10; i++)
        {
            messages.Add(Party.OverTheWire(await alice.EncryptAsync(bob, $"m{i}")));
        }

        foreach (int i in new[] { 9, 0, 5, 1, 8, 2, 7, 3, 6, 4 })
        {
            Assert.Equal($"m{i}", await bob.DecryptAsync(alice, messages[i]));
        }

        byte[] before = await bob.SessionBytesAsync(alice);
        var duplicate = await Assert.ThrowsAsync<ProtocolException>(() => bob.DecryptAsync(alice, messages[3]));
        Assert.Equal(ProtocolErrorKind.DuplicateMessage, duplicate.Kind);
        Assert.Equal(before, await bob.SessionBytesAsync(alice));
    }

    [Fact]
    public async Task A_tampered_message_fails_and_leaves_the_record_unchanged()
    {
        var alice = new Party("alice");
        var bob = new Party("bob");
        await alice.Cipher.ProcessPreKeyBundleAsync(bob.Address, await bob.BundleAsync());
        Assert.Equal("start", await bob.DecryptAsync(alice, Party.OverTheWire(await alice.EncryptAsync(bob, "start"))));
        Assert.Equal("ack", await alice.DecryptAsync(bob, Party.OverTheWire(await bob.EncryptAsync(alice, "ack"))));

        byte[] wire = (await alice.EncryptAsync(bob, "secret")).Serialize();
        byte[] before = await bob.SessionBytesAsync(alice);
        for (int i = 0; i < wire.Length; i++)
        {
            byte[] tampered = (byte[])wire.Clone();
            tampered[i] ^= 0x01;
            var error = await Assert.ThrowsAsync<ProtocolException>(async () => await bob.DecryptAsync(alice, SignalMessage.Deserialize(tampered)));
            Assert.NotEqual(ProtocolErrorKind.DuplicateMessage, error.Kind);
            Assert.Equal(before, await bob.SessionBytesAsync(alice));
        }

        Assert.Equal("secret", await bob.DecryptAsync(alice, SignalMessage.Deserialize(wire)));
    }

    [Fact]
    public async Task Prekeys_are_consumed_and_the_session_record_survives_serialization()
    {
        var alice = new Party("alice");
        var bob = new Party("bob");
        await alice.Cipher.ProcessPreKeyBundleAsync(bob.Address, await bob.BundleAsync());
        CiphertextMessage first = Party.OverTheWire(await alice.EncryptAsync(bob, "one"));
        Assert.Equal("one", await bob.DecryptAsync(alice, first));

        var oneTimeGone = await Assert.ThrowsAsync<ProtocolException>(async () => await bob.Store.GetPreKeyAsync(1));
        Assert.Equal(ProtocolErrorKind.InvalidPreKeyId, oneTimeGone.Kind);
        var kyberGone = await Assert.ThrowsAsync<ProtocolException>(async () => await bob.Store.GetKyberPreKeyAsync(1));
        Assert.Equal(ProtocolErrorKind.InvalidKyberPreKeyId, kyberGone.Kind);

        // A second copy of the same prekey message is a duplicate, not a new session.
        var duplicate = await Assert.ThrowsAsync<ProtocolException>(() => bob.DecryptAsync(alice, first));
        Assert.Equal(ProtocolErrorKind.DuplicateMessage, duplicate.Kind);

        SessionRecord record = SessionRecord.Deserialize(await bob.SessionBytesAsync(alice));
        Assert.Equal(await bob.SessionBytesAsync(alice), record.Serialize());
    }

    [Fact]
    public async Task A_changed_identity_is_refused_until_accepted()
    {
        var alice = new Party("alice");
        var bob = new Party("bob");
        await alice.Cipher.ProcessPreKeyBundleAsync(bob.Address, await bob.BundleAsync());
        Assert.Equal("hi", await bob.DecryptAsync(alice, Party.OverTheWire(await alice.EncryptAsync(bob, "hi"))));

        // Bob reinstalls: same address, new identity.
        var newBob = new Party("bob");
        var refused = await Assert.ThrowsAsync<ProtocolException>(async () => await alice.Cipher.ProcessPreKeyBundleAsync(newBob.Address, await newBob.BundleAsync()));
        Assert.Equal(ProtocolErrorKind.UntrustedIdentity, refused.Kind);

        await alice.Store.SaveIdentityAsync(newBob.Address, newBob.Identity.PublicKey);
        await alice.Cipher.ProcessPreKeyBundleAsync(newBob.Address, await newBob.BundleAsync());
        Assert.Equal("welcome back", await newBob.DecryptAsync(alice, Party.OverTheWire(await alice.EncryptAsync(newBob, "welcome back"))));
    }

    [Fact]
    public async Task Encrypting_without_a_session_is_a_typed_error()
    {
        var alice = new Party("alice");
        var bob = new Party("bob");
        var error = await Assert.ThrowsAsync<ProtocolException>(() => alice.EncryptAsync(bob, "x"));
        Assert.Equal(ProtocolErrorKind.NoSession, error.Kind);
    }

    [Fact]
    public async Task A_tampered_prekey_message_fails_without_consuming_prekeys()
    {
        var alice = new Party("alice");
        var bob = new Party("bob");
        await alice.Cipher.ProcessPreKeyBundleAsync(bob.Address, await bob.BundleAsync());
        byte[] wire = (await alice.EncryptAsync(bob, "first")).Serialize();

        // Two parts of the outer message are not authenticated, in libsignal either: the low nibble of the version
        // byte (only the high nibble is read) and the registration id (field 5), which only changes what the
        // recipient records as the sender's registration id. Every other byte is covered.
        (int start, int end) = FieldRange(wire, 5);
        for (int i = 0; i < wire.Length; i += 3)
        {
            if (i >= start && i < end)
            {
                continue;
            }

            byte[] tampered = (byte[])wire.Clone();
            tampered[i] ^= (byte)(i == 0 ? 0x10 : 1 << (i % 8));
            await Assert.ThrowsAsync<ProtocolException>(async () => await bob.DecryptAsync(alice, PreKeySignalMessage.Deserialize(tampered)));
            Assert.Empty(await bob.SessionBytesAsync(alice));
        }

        using var stillThere = await bob.Store.GetPreKeyAsync(1);
        using var kyberStillThere = await bob.Store.GetKyberPreKeyAsync(1);
        Assert.Equal("first", await bob.DecryptAsync(alice, PreKeySignalMessage.Deserialize(wire)));
    }

    /// <summary>Where a top-level field of a serialized prekey message lies (tag to end of value, offsets into <paramref name="wire"/>).</summary>
    private static (int Start, int End) FieldRange(byte[] wire, int fieldNumber)
    {
        var input = new Google.Protobuf.CodedInputStream(wire, 1, wire.Length - 1);
        while (!input.IsAtEnd)
        {
            int start = (int)input.Position;
            uint tag = input.ReadTag();
            input.SkipLastField();
            if (Google.Protobuf.WireFormat.GetTagFieldNumber(tag) == fieldNumber)
            {
                return (start, (int)input.Position);
            }
        }

        throw new InvalidOperationException($"No field {fieldNumber}.");
    }
}
