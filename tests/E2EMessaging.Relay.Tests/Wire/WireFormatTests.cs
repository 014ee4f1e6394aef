using E2EMessaging.Protocol;
using E2EMessaging.Wire;
using Google.Protobuf;
using Xunit;

namespace E2EMessaging.Relay.Tests.Wire;

public sealed class WireFormatTests
{
    private static readonly ProtocolAddress Alice = new("alice", 1);
    private static readonly ProtocolAddress Bob = new("bob", 2);

    [Fact]
    public void ClientMessageId_is_a_uuidv7_carrying_its_millisecond_timestamp()
    {
        var clock = new Infrastructure.ManualClock();
        ClientMessageId id = ClientMessageId.New(clock, SystemRandomSource.Instance);
        byte[] bytes = id.ToByteArray();
        Assert.Equal(7, bytes[6] >> 4);
        Assert.Equal(0x80, bytes[8] & 0xC0);
        Assert.Equal(clock.GetUtcNow(), id.Timestamp);
        Assert.Equal(id, ClientMessageId.FromBytes(bytes));
        Assert.Equal(id.Value.ToString(), id.ToString());
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(ClientMessageId.New(clock, SystemRandomSource.Instance) > id);
        Assert.False(ClientMessageId.TryFromBytes(Guid.NewGuid().ToByteArray(bigEndian: true), out _)); // v4
    }

    [Fact]
    public void An_envelope_round_trips_with_and_without_server_fields()
    {
        ClientMessageId id = ClientMessageId.New(TimeProvider.System, SystemRandomSource.Instance);
        var time = DateTimeOffset.FromUnixTimeMilliseconds(1_767_225_600_123);
        var envelope = new Envelope(id, Alice, Bob, EnvelopeType.SenderKey, new byte[] { 9, 9 }, time, new byte[] { 1, 2, 3 });
        Envelope parsed = Envelope.Parse(envelope.Serialize());
        Assert.Equal(id, parsed.ClientMessageId);
        Assert.Equal(Alice, parsed.Sender);
        Assert.Equal(Bob, parsed.Recipient);
        Assert.Equal(EnvelopeType.SenderKey, parsed.Type);
        Assert.Equal(new byte[] { 9, 9 }, parsed.GroupId.ToArray());
        Assert.Equal(time, parsed.ClientTimestamp);
        Assert.Equal(new byte[] { 1, 2, 3 }, parsed.Ciphertext.ToArray());
        Assert.Null(parsed.ServerSequence);

        Envelope persisted = Envelope.Parse(envelope.WithServerReceipt(17, time.AddSeconds(1)).Serialize());
        Assert.Equal(17ul, persisted.ServerSequence);
        Assert.Equal(time.AddSeconds(1), persisted.ServerTimestamp);
        Assert.DoesNotContain("1, 2, 3", persisted.ToString(), StringComparison.Ordinal);
    }

    public static TheoryData<string, byte[], MessagingErrorKind> HostileEnvelopes()
    {
        var good = new Envelope(ClientMessageId.New(TimeProvider.System, SystemRandomSource.Instance), Alice, Bob, EnvelopeType.Whisper, default, DateTimeOffset.UnixEpoch, new byte[] { 1 }).ToProto();
        byte[] Mutate(Action<E2EMessaging.Proto.Envelope> change)
        {
            E2EMessaging.Proto.Envelope copy = good.Clone();
            change(copy);
            return copy.ToByteArray();
        }

        byte[] valid = good.ToByteArray();
        return new TheoryData<string, byte[], MessagingErrorKind>
        {
            { "empty", [], MessagingErrorKind.InvalidEncoding },
            { "truncated", valid[..^1], MessagingErrorKind.InvalidEncoding },
            { "oversized", new byte[WireLimits.MaxCiphertextLength + 2048], MessagingErrorKind.TooLarge },
            { "version 0", Mutate(e => e.Version = 0), MessagingErrorKind.UnsupportedVersion },
            { "version 2", Mutate(e => e.Version = 2), MessagingErrorKind.UnsupportedVersion },
            { "no sender", Mutate(e => e.Sender = null), MessagingErrorKind.InvalidEncoding },
            { "unknown type", Mutate(e => e.Type = (E2EMessaging.Proto.EnvelopeType)9), MessagingErrorKind.InvalidEncoding },
            { "unspecified type", Mutate(e => e.Type = E2EMessaging.Proto.EnvelopeType.Unspecified), MessagingErrorKind.InvalidEncoding },
            { "empty ciphertext", Mutate(e => e.Ciphertext = ByteString.Empty), MessagingErrorKind.InvalidEncoding },
            { "server sequence without time", Mutate(e => e.ServerSequence = 3), MessagingErrorKind.InvalidEncoding },
            { "timestamp past year 9999", Mutate(e => e.ClientTimestamp = ulong.MaxValue), MessagingErrorKind.InvalidEncoding },
            { "17-byte id", Mutate(e => e.ClientMessageId = ByteString.CopyFrom(new byte[17])), MessagingErrorKind.InvalidEncoding },
        };
    }

    [Theory]
    [MemberData(nameof(HostileEnvelopes))]
    public void Hostile_envelopes_are_refused_with_a_typed_error(string name, byte[] bytes, MessagingErrorKind kind)
    {
        MessagingException e = Assert.Throws<MessagingException>(() => Envelope.Parse(bytes));
        Assert.True(kind == e.Kind, $"{name}: {e.Kind}");
        Assert.False(Envelope.TryParse(bytes, out _));
    }

    [Fact]
    public void A_submit_round_trips_and_shares_identical_ciphertexts_on_the_wire()
    {
        byte[] shared = [5, 5, 5];
        var request = new SubmitRequest(ClientMessageId.New(TimeProvider.System, SystemRandomSource.Instance), DateTimeOffset.UnixEpoch, [
            new OutgoingEnvelope(Bob, 11, EnvelopeType.SenderKey, shared),
            new OutgoingEnvelope(new ProtocolAddress("carol", 1), 12, EnvelopeType.SenderKey, (byte[])shared.Clone()),
            new OutgoingEnvelope(new ProtocolAddress("dave", 1), 13, EnvelopeType.Whisper, new byte[] { 7 }),
        ]);
        byte[] bytes = request.Serialize();
        Assert.Equal(2, E2EMessaging.Proto.SubmitRequest.Parser.ParseFrom(bytes).Payloads.Count);
        SubmitRequest parsed = SubmitRequest.Parse(bytes);
        Assert.Equal(request.DeviceSetHash.ToArray(), parsed.DeviceSetHash.ToArray());
        Assert.Equal(request.ContentDigest.ToArray(), parsed.ContentDigest.ToArray());
        Assert.Equal(request.Envelopes.Select(e => (e.Recipient, e.RegistrationId, e.Type)), parsed.Envelopes.Select(e => (e.Recipient, e.RegistrationId, e.Type)));
    }

    [Fact]
    public void The_device_set_hash_ignores_order_and_sees_every_field()
    {
        var a = (new ProtocolAddress("a", 1), 1u);
        var b = (new ProtocolAddress("b", 2), 2u);
        Assert.Equal(DeviceSetHash.Compute([a, b]), DeviceSetHash.Compute([b, a]));
        Assert.NotEqual(DeviceSetHash.Compute([a, b]), DeviceSetHash.Compute([a, (b.Item1, 3u)]));
        Assert.NotEqual(DeviceSetHash.Compute([a, b]), DeviceSetHash.Compute([a, (new ProtocolAddress("b", 3), 2u)]));
        Assert.NotEqual(DeviceSetHash.Compute([a]), DeviceSetHash.Compute([a, b]));
    }

    [Fact]
    public void The_content_digest_ignores_envelope_order_but_not_content()
    {
        ClientMessageId id = ClientMessageId.New(TimeProvider.System, SystemRandomSource.Instance);
        OutgoingEnvelope x = new(Alice, 1, EnvelopeType.Whisper, new byte[] { 1 });
        OutgoingEnvelope y = new(Bob, 2, EnvelopeType.Whisper, new byte[] { 2 });
        OutgoingEnvelope y2 = new(Bob, 2, EnvelopeType.Whisper, new byte[] { 3 });
        Assert.Equal(new SubmitRequest(id, DateTimeOffset.UnixEpoch, [x, y]).ContentDigest.ToArray(), new SubmitRequest(id, DateTimeOffset.UnixEpoch, [y, x]).ContentDigest.ToArray());
        Assert.NotEqual(new SubmitRequest(id, DateTimeOffset.UnixEpoch, [x, y]).ContentDigest.ToArray(), new SubmitRequest(id, DateTimeOffset.UnixEpoch, [x, y2]).ContentDigest.ToArray());
    }

    [Fact]
    public void Constructors_refuse_misuse_with_argument_exceptions()
    {
        ClientMessageId id = ClientMessageId.New(TimeProvider.System, SystemRandomSource.Instance);
        Assert.Throws<ArgumentException>(() => new Envelope(default, Alice, Bob, EnvelopeType.Whisper, default, default, new byte[] { 1 }));
        Assert.Throws<ArgumentException>(() => new OutgoingEnvelope(Bob, 1, EnvelopeType.Whisper, ReadOnlyMemory<byte>.Empty));
        Assert.Throws<ArgumentException>(() => new SubmitRequest(id, default, []));
        Assert.Throws<ArgumentException>(() => new SubmitRequest(id, default, [new OutgoingEnvelope(Bob, 1, EnvelopeType.Whisper, new byte[] { 1 }), new OutgoingEnvelope(Bob, 1, EnvelopeType.Whisper, new byte[] { 2 })]));
    }

    [Fact]
    public void Device_authentication_binds_device_and_challenge()
    {
        using var identity = E2EMessaging.Protocol.Keys.IdentityKeyPair.Generate();
        byte[] challenge = new byte[WireLimits.ChallengeLength];
        Random.Shared.NextBytes(challenge);
        byte[] signature = DeviceAuthentication.Sign(identity.PrivateKey, Alice, challenge);
        Assert.True(DeviceAuthentication.Verify(identity.PublicKey, Alice, challenge, signature));
        Assert.False(DeviceAuthentication.Verify(identity.PublicKey, new ProtocolAddress("alice", 2), challenge, signature));
        challenge[0] ^= 1;
        Assert.False(DeviceAuthentication.Verify(identity.PublicKey, Alice, challenge, signature));
        Assert.False(DeviceAuthentication.Verify(identity.PublicKey, Alice, challenge.AsSpan(1), signature));
    }
}
