using System.Runtime.CompilerServices;
using E2EMessaging.Proto;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.PreKeys;
using E2EMessaging.Transport;
using E2EMessaging.Wire;
using Google.Protobuf;
using Xunit;

namespace E2EMessaging.Relay.Tests.Wire;

/// <summary>The client side refuses a hostile or broken relay's answers with typed errors too.</summary>
public sealed class FramedTransportTests
{
    /// <summary>A transport whose "relay" answers every request with a frame the test builds.</summary>
    private sealed class ScriptedTransport(Func<ClientFrame, ServerFrame> answer, IEnumerable<ServerFrame>? pushes = null) : FramedTransport
    {
        public override ValueTask ConnectAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

        protected override ValueTask<ReadOnlyMemory<byte>> ExchangeAsync(ReadOnlyMemory<byte> requestFrame, CancellationToken cancellationToken) =>
            ValueTask.FromResult<ReadOnlyMemory<byte>>(answer(ClientFrame.Parser.ParseFrom(requestFrame.Span)).ToByteArray());

        protected override async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadPushedFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (ServerFrame frame in pushes ?? [])
            {
                await Task.Yield();
                yield return frame.ToByteArray();
            }
        }
    }

    private static ServerFrame Answer(ClientFrame request, Action<ServerFrame> fill)
    {
        var frame = new ServerFrame { Version = 1, RequestId = request.RequestId };
        fill(frame);
        return frame;
    }

    private static async Task<MessagingErrorKind> KindOf(Func<Task> call) => (await Assert.ThrowsAsync<MessagingException>(call)).Kind;

    [Fact]
    public async Task Answers_to_the_wrong_request_or_of_the_wrong_kind_are_refused()
    {
        await using var wrongId = new ScriptedTransport(r => new ServerFrame { Version = 1, RequestId = r.RequestId + 1, Ok = new Ok() });
        Assert.Equal(MessagingErrorKind.InvalidEncoding, await KindOf(async () => await wrongId.AcknowledgeAsync([1])));

        await using var wrongBody = new ScriptedTransport(r => Answer(r, f => f.Ok = new Ok()));
        Assert.Equal(MessagingErrorKind.InvalidEncoding, await KindOf(async () => await wrongBody.GetChallengeAsync()));

        await using var wrongVersion = new ScriptedTransport(r => new ServerFrame { Version = 2, RequestId = r.RequestId, Ok = new Ok() });
        Assert.Equal(MessagingErrorKind.UnsupportedVersion, await KindOf(async () => await wrongVersion.AcknowledgeAsync([1])));

        await using var shortChallenge = new ScriptedTransport(r => Answer(r, f => f.Challenge = new Challenge { Nonce = ByteString.CopyFrom(new byte[5]) }));
        Assert.Equal(MessagingErrorKind.InvalidEncoding, await KindOf(async () => await shortChallenge.GetChallengeAsync()));
    }

    [Fact]
    public async Task Relay_errors_become_typed_exceptions_with_their_retry_hint()
    {
        await using var limited = new ScriptedTransport(r => Answer(r, f => f.Error = new Error { Kind = (uint)MessagingErrorKind.RateLimited, Message = "slow down", RetryAfterMs = 1500 }));
        MessagingException e = await Assert.ThrowsAsync<MessagingException>(async () => await limited.FetchDevicesAsync("bob"));
        Assert.Equal(MessagingErrorKind.RateLimited, e.Kind);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), e.RetryAfter);

        await using var unknownKind = new ScriptedTransport(r => Answer(r, f => f.Error = new Error { Kind = 999, Message = new string('x', 10_000) }));
        e = await Assert.ThrowsAsync<MessagingException>(async () => await unknownKind.FetchDevicesAsync("bob"));
        Assert.Equal(MessagingErrorKind.ServerError, e.Kind);
        Assert.True(e.Message.Length <= WireLimits.MaxErrorMessageLength);
    }

    [Fact]
    public async Task A_bundle_whose_signatures_do_not_verify_is_refused_whoever_served_it()
    {
        using IdentityKeyPair identity = IdentityKeyPair.Generate();
        using IdentityKeyPair forger = IdentityKeyPair.Generate();
        using SignedPreKeyRecord signed = SignedPreKeyRecord.Generate(1, 0, forger);
        using KyberPreKeyRecord kyber = KyberPreKeyRecord.Generate(2, 0, identity);
        var bundle = new Bundle
        {
            DeviceId = 1,
            RegistrationId = 5,
            IdentityKey = ByteString.CopyFrom(identity.PublicKey.Serialize()),
            SignedPreKey = new SignedPreKey { Id = 1, PublicKey = ByteString.CopyFrom(signed.PublicKey.Serialize()), Signature = ByteString.CopyFrom(signed.Signature.Span) },
            KyberPreKey = new SignedPreKey { Id = 2, PublicKey = ByteString.CopyFrom(kyber.PublicKey.Serialize()), Signature = ByteString.CopyFrom(kyber.Signature.Span) },
        };
        await using var forged = new ScriptedTransport(r => Answer(r, f => f.Bundles = new Bundles { Items = { bundle } }));
        Assert.Equal(MessagingErrorKind.InvalidSignature, await KindOf(async () => await forged.FetchPreKeyBundlesAsync("bob")));

        Bundle badKey = bundle.Clone();
        badKey.IdentityKey = ByteString.CopyFrom(new byte[33]);
        await using var broken = new ScriptedTransport(r => Answer(r, f => f.Bundles = new Bundles { Items = { badKey } }));
        Assert.Equal(MessagingErrorKind.InvalidEncoding, await KindOf(async () => await broken.FetchPreKeyBundlesAsync("bob")));
    }

    [Fact]
    public async Task Oversized_answers_are_refused()
    {
        var devices = new E2EMessaging.Proto.Devices(); // qualified: E2EMessaging.Devices is the client's namespace
        using IdentityKeyPair identity = IdentityKeyPair.Generate();
        devices.Items.AddRange(Enumerable.Range(1, 128).Select(i => new Device { DeviceId = 1, RegistrationId = 1, IdentityKey = ByteString.CopyFrom(identity.PublicKey.Serialize()) }));
        await using var tooMany = new ScriptedTransport(r => Answer(r, f => f.Devices = devices));
        Assert.Equal(MessagingErrorKind.TooLarge, await KindOf(async () => await tooMany.FetchDevicesAsync("bob")));
    }

    [Fact]
    public async Task Pushed_frames_are_checked_and_answers_on_the_push_stream_ignored()
    {
        var envelope = new E2EMessaging.Wire.Envelope(ClientMessageId.New(TimeProvider.System, E2EMessaging.Protocol.SystemRandomSource.Instance), new("alice", 1), new("bob", 1), E2EMessaging.Wire.EnvelopeType.Whisper, default, DateTimeOffset.UnixEpoch, new byte[] { 1 });
        ServerFrame[] pushes =
        [
            new() { Version = 1, RequestId = 9, Ok = new Ok() }, // an answer on the push stream: ignored
            new() { Version = 1, Delivery = envelope.WithServerReceipt(1, DateTimeOffset.UnixEpoch).ToProto() },
            new() { Version = 1, QueueEmpty = new QueueEmpty() },
            new() { Version = 1, Delivery = envelope.ToProto() }, // a delivery without a server sequence
        ];
        await using var transport = new ScriptedTransport(r => Answer(r, f => f.Ok = new Ok()), pushes);
        var received = new List<IncomingFrame>();
        MessagingException e = await Assert.ThrowsAsync<MessagingException>(async () =>
        {
            await foreach (IncomingFrame frame in transport.ReceiveAsync())
            {
                received.Add(frame);
            }
        });
        Assert.Equal(MessagingErrorKind.InvalidEncoding, e.Kind);
        Assert.Equal([IncomingFrameKind.Envelope, IncomingFrameKind.QueueEmpty], received.Select(f => f.Kind));
    }
}
