using E2EMessaging.Proto;
using E2EMessaging.Relay.Tests.Infrastructure;
using E2EMessaging.Transport;
using E2EMessaging.Wire;
using Google.Protobuf;
using Xunit;

namespace E2EMessaging.Relay.Tests.Relay;

/// <summary>Raw frames a hostile client could send: each gets a typed error frame, and the relay's stores do not change.</summary>
public sealed class HostileInputTests
{
    private static async Task<(MessagingErrorKind Kind, ulong RequestId)> SendRawAsync(RelayConnection connection, byte[] frame)
    {
        ReadOnlyMemory<byte> answer = await connection.HandleAsync(frame);
        ServerFrame parsed = RelayFrames.ParseServerFrame(answer.Span);
        Assert.Equal(ServerFrame.BodyOneofCase.Error, parsed.BodyCase);
        return ((MessagingErrorKind)parsed.Error.Kind, parsed.RequestId);
    }

    private static byte[] Frame(Action<ClientFrame> fill, uint version = 1, ulong requestId = 7)
    {
        var frame = new ClientFrame { Version = version, RequestId = requestId };
        fill(frame);
        return frame.ToByteArray();
    }

    public static TheoryData<string, byte[], MessagingErrorKind> MalformedFrames()
    {
        byte[] valid = Frame(f => f.GetChallenge = new GetChallenge());
        return new TheoryData<string, byte[], MessagingErrorKind>
        {
            { "empty", [], MessagingErrorKind.InvalidEncoding },
            { "garbage", [0xFF, 0xFF, 0xFF, 0xFF, 0xFF], MessagingErrorKind.InvalidEncoding },
            { "truncated", valid[..^1], MessagingErrorKind.InvalidEncoding },
            { "oversized", new byte[WireLimits.MaxFrameLength + 1], MessagingErrorKind.TooLarge },
            { "wrong version", Frame(f => f.GetChallenge = new GetChallenge(), version: 2), MessagingErrorKind.UnsupportedVersion },
            { "no request id", Frame(f => f.GetChallenge = new GetChallenge(), requestId: 0), MessagingErrorKind.InvalidEncoding },
            { "no request", Frame(_ => { }), MessagingErrorKind.InvalidEncoding },
            { "length prefix past the end", [0x0A, 0x7F, 0x01], MessagingErrorKind.InvalidEncoding },
        };
    }

    [Theory]
    [MemberData(nameof(MalformedFrames))]
    public async Task Malformed_frames_get_a_typed_error(string name, byte[] frame, MessagingErrorKind expected)
    {
        await using var harness = new RelayHarness();
        await using RelayConnection connection = harness.Relay.Accept();
        (MessagingErrorKind kind, _) = await SendRawAsync(connection, frame);
        Assert.True(expected == kind, name);
        Assert.False(connection.IsClosed);
    }

    [Fact]
    public async Task Hostile_submits_are_refused_and_store_nothing()
    {
        await using var harness = new RelayHarness();
        TestDevice alice = await harness.RegisterAsync("alice");
        TestDevice bob = await harness.RegisterAsync("bob", connect: false);
        RelayConnection connection = alice.Transport.Connection!;
        E2EMessaging.Proto.SubmitRequest good = Submits.To([bob], Submits.Bytes("x")).ToProto();

        var cases = new List<(string Name, E2EMessaging.Proto.SubmitRequest Request, MessagingErrorKind Kind)>();
        void Case(string name, MessagingErrorKind kind, Action<E2EMessaging.Proto.SubmitRequest> mutate)
        {
            E2EMessaging.Proto.SubmitRequest copy = good.Clone();
            mutate(copy);
            cases.Add((name, copy, kind));
        }

        Case("wrong version", MessagingErrorKind.UnsupportedVersion, r => r.Version = 9);
        Case("short id", MessagingErrorKind.InvalidEncoding, r => r.ClientMessageId = ByteString.CopyFrom(new byte[15]));
        Case("not a UUIDv7", MessagingErrorKind.InvalidEncoding, r => r.ClientMessageId = ByteString.CopyFrom(new byte[16]));
        Case("oversized ciphertext", MessagingErrorKind.TooLarge, r => r.Payloads[0] = ByteString.CopyFrom(new byte[WireLimits.MaxCiphertextLength + 1]));
        Case("empty ciphertext", MessagingErrorKind.InvalidEncoding, r => r.Payloads[0] = ByteString.Empty);
        Case("payload index out of range", MessagingErrorKind.InvalidEncoding, r => r.Recipients[0].PayloadIndex = 5);
        Case("unknown type", MessagingErrorKind.InvalidEncoding, r => r.Recipients[0].Type = (E2EMessaging.Proto.EnvelopeType)42);
        Case("device id 0", MessagingErrorKind.InvalidEncoding, r => r.Recipients[0].Address.DeviceId = 0);
        Case("device id 128", MessagingErrorKind.InvalidEncoding, r => r.Recipients[0].Address.DeviceId = 128);
        Case("empty account", MessagingErrorKind.InvalidEncoding, r => r.Recipients[0].Address.Account = string.Empty);
        Case("huge account", MessagingErrorKind.InvalidEncoding, r => r.Recipients[0].Address.Account = new string('a', 500));
        Case("no recipients", MessagingErrorKind.InvalidEncoding, r => r.Recipients.Clear());
        Case("unused payload", MessagingErrorKind.InvalidEncoding, r => r.Payloads.Add(ByteString.CopyFrom(1, 2, 3)));
        Case("hash does not describe recipients", MessagingErrorKind.InvalidEncoding, r => r.DeviceSetHash = ByteString.CopyFrom(new byte[32]));
        Case("short hash", MessagingErrorKind.InvalidEncoding, r => r.DeviceSetHash = ByteString.CopyFrom(new byte[8]));
        Case("group id too long", MessagingErrorKind.TooLarge, r => r.GroupId = ByteString.CopyFrom(new byte[WireLimits.MaxGroupIdLength + 1]));
        Case("same device twice", MessagingErrorKind.InvalidEncoding, r => r.Recipients.Add(r.Recipients[0].Clone()));

        foreach ((string name, E2EMessaging.Proto.SubmitRequest request, MessagingErrorKind kind) in cases)
        {
            ReadOnlyMemory<byte> answer = await connection.HandleAsync(Frame(f => f.Submit = request));
            ServerFrame parsed = RelayFrames.ParseServerFrame(answer.Span);
            Assert.True(parsed.BodyCase == ServerFrame.BodyOneofCase.SubmitResult, name);
            Assert.True(parsed.SubmitResult.OutcomeCase == E2EMessaging.Proto.SubmitResult.OutcomeOneofCase.Refused, name);
            Assert.True((MessagingErrorKind)parsed.SubmitResult.Refused.Kind == kind, $"{name}: {(MessagingErrorKind)parsed.SubmitResult.Refused.Kind}");
        }

        Assert.Equal(0, await harness.Inbox.CountAsync(bob.Address));
        Assert.Empty(harness.Inbox.DumpStoredBytes());

        // The good one still goes through afterwards: nothing was poisoned.
        Assert.Equal(SubmitOutcome.Accepted, (await alice.Transport.SubmitAsync(E2EMessaging.Wire.SubmitRequest.FromProto(good))).Outcome);
    }

    [Fact]
    public async Task Requests_before_authentication_are_unauthenticated_with_their_request_id()
    {
        await using var harness = new RelayHarness();
        TestDevice bob = await harness.RegisterAsync("bob", connect: false);
        await using RelayConnection connection = harness.Relay.Accept();
        (MessagingErrorKind kind, ulong id) = await SendRawAsync(connection, Frame(f => f.Acknowledge = new Acknowledge { ServerSequences = { 1 } }, requestId: 42));
        Assert.Equal(MessagingErrorKind.Unauthenticated, kind);
        Assert.Equal(42ul, id);
        (kind, _) = await SendRawAsync(connection, Frame(f => f.Authenticate = new Authenticate { Device = new DeviceAddress { Account = "bob", DeviceId = 1 }, Signature = ByteString.CopyFrom(new byte[64]) }));
        Assert.Equal(MessagingErrorKind.Unauthenticated, kind);
    }

    [Fact]
    public async Task Too_many_acks_or_prekeys_in_one_request_are_refused()
    {
        await using var harness = new RelayHarness();
        TestDevice bob = await harness.RegisterAsync("bob");
        var acks = new Acknowledge();
        acks.ServerSequences.AddRange(Enumerable.Range(1, WireLimits.MaxAcksPerRequest + 1).Select(i => (ulong)i));
        (MessagingErrorKind kind, _) = await SendRawAsync(bob.Transport.Connection!, Frame(f => f.Acknowledge = acks));
        Assert.Equal(MessagingErrorKind.TooLarge, kind);

        var upload = new UploadPreKeys();
        upload.OneTimePreKeys.AddRange(Enumerable.Range(0, WireLimits.MaxPreKeysPerUpload + 1).Select(i => new OneTimePreKey { Id = (uint)i }));
        (kind, _) = await SendRawAsync(bob.Transport.Connection!, Frame(f => f.UploadPreKeys = upload));
        Assert.Equal(MessagingErrorKind.TooLarge, kind);

        var badKey = new UploadPreKeys { OneTimePreKeys = { new OneTimePreKey { Id = 1, PublicKey = ByteString.CopyFrom(new byte[10]) } } };
        (kind, _) = await SendRawAsync(bob.Transport.Connection!, Frame(f => f.UploadPreKeys = badKey));
        Assert.Equal(MessagingErrorKind.InvalidEncoding, kind);
    }
}
