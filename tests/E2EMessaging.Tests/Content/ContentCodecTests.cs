using E2EMessaging.Attachments;
using E2EMessaging.Content;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Google.Protobuf;
using Xunit;
using E2EMessaging.Wire;
using ContentProto = E2EMessaging.Content.Proto;

namespace E2EMessaging.Tests.Content;

public sealed class ContentCodecTests
{
    private static readonly ClientMessageIdGenerator Ids = new(random: new TestRandom(7));

    internal static IEnumerable<MessageContent> Samples()
    {
        var pointer = new AttachmentPointer("blob-1", new byte[64], new byte[32], 1234, "image/jpeg", "cat.jpg");
        ClientMessageId target = Ids.Next();
        Guid group = Guid.NewGuid();
        yield return new MessageContent(Ids.Next(), 1_700_000_000_000, new DataBody(new DataMessage { Text = "hello" }, null));
        yield return new MessageContent(Ids.Next(), 1, new DataBody(
            new DataMessage
            {
                Text = "reply",
                Attachments = [pointer],
                Quote = new QuotedMessage(target, "bob", "original"),
                Reaction = new Reaction(target, "bob", "👍"),
                EditOf = target,
                DeleteOf = target,
            },
            group));
        yield return new MessageContent(Ids.Next(), 2, new ReceiptBody(ReceiptType.Delivered, null, [target, Ids.Next()], null));
        yield return new MessageContent(Ids.Next(), 3, new ReceiptBody(ReceiptType.Read, target, [], group));
        yield return new MessageContent(Ids.Next(), 4, new SenderKeyDistributionBody(group, [1, 2, 3]));
        yield return new MessageContent(Ids.Next(), 5, new SyncBody("bob", null, new DataMessage { Text = "to bob" }));
        yield return new MessageContent(Ids.Next(), 6, new SyncBody(null, group, new DataMessage { Text = "to group" }));
        yield return new MessageContent(Ids.Next(), 7, new DeviceListUpdateBody([1, 2, 5]));
        yield return new MessageContent(Ids.Next(), 8, new RetryRequestBody(target));
        yield return new MessageContent(Ids.Next(), 9, new GroupUpdateBody(group, 3, "friends", ["alice", "bob", "carol"]));
    }

    [Fact]
    public void Every_body_round_trips()
    {
        foreach (MessageContent content in Samples())
        {
            byte[] encoded = ContentCodec.Encode(content);
            Assert.Equal(0, encoded.Length % ContentCodec.PaddingBlock);
            MessageContent decoded = ContentCodec.Decode(encoded);
            Assert.Equal(content.Id, decoded.Id);
            Assert.Equal(content.Timestamp, decoded.Timestamp);
            Assert.Equal(content.Body.GetType(), decoded.Body.GetType());
            Assert.Equal(encoded, ContentCodec.Encode(decoded));
        }
    }

    [Fact]
    public void Data_fields_survive()
    {
        MessageContent content = Samples().ElementAt(1);
        var data = (DataBody)ContentCodec.Decode(ContentCodec.Encode(content)).Body;
        var original = (DataBody)content.Body;
        Assert.Equal("reply", data.Message.Text);
        Assert.Equal(original.GroupId, data.GroupId);
        Assert.Equal("blob-1", Assert.Single(data.Message.Attachments).BlobId);
        Assert.Equal(original.Message.Quote!.Id, data.Message.Quote!.Id);
        Assert.Equal("👍", data.Message.Reaction!.Emoji);
        Assert.Equal(original.Message.EditOf, data.Message.EditOf);
    }

    [Fact]
    public void Every_truncation_is_a_typed_error()
    {
        foreach (MessageContent content in Samples())
        {
            byte[] encoded = ContentCodec.Encode(content);
            for (int length = 0; length < encoded.Length; length++)
            {
                // A cut inside the padding still decodes (the padding is not content); anything else must fail typed.
                try
                {
                    ContentCodec.Decode(encoded.AsSpan(0, length));
                }
                catch (MessagingException)
                {
                }
            }
        }
    }

    [Property(MaxTest = 500)]
    public void Random_bytes_only_ever_fail_typed(byte[] bytes) => OnlyTyped(bytes);

    [Property(MaxTest = 500)]
    public void Mutated_contents_only_ever_fail_typed(byte index, byte flip, NonNegativeInt which)
    {
        MessageContent[] samples = [.. Samples()];
        byte[] encoded = ContentCodec.Encode(samples[which.Get % samples.Length]);
        encoded[index % encoded.Length] ^= (byte)(flip | 1);
        OnlyTyped(encoded);
    }

    [Fact]
    public void Wrong_version_is_refused() =>
        AssertKind(MessagingErrorKind.UnsupportedVersion, Raw(c => c.Version = 2));

    [Fact]
    public void Missing_body_is_refused() =>
        AssertKind(MessagingErrorKind.InvalidEncoding, Raw(c => c.ClearBody()));

    [Fact]
    public void Bad_id_is_refused() =>
        AssertKind(MessagingErrorKind.InvalidEncoding, Raw(c => c.ClientMessageId = ByteString.CopyFrom(new byte[15])));

    [Fact]
    public void Short_attachment_key_is_refused() =>
        AssertKind(MessagingErrorKind.InvalidEncoding, Raw(c => c.Data.Attachments.Add(new ContentProto.AttachmentPointer
        {
            BlobId = "b",
            Key = ByteString.CopyFrom(new byte[32]),
            Digest = ByteString.CopyFrom(new byte[32]),
        })));

    [Fact]
    public void Oversized_text_is_refused() =>
        AssertKind(MessagingErrorKind.TooLarge, Raw(c => c.Data.Text = new string('x', Limits.MaxTextLength + 1)));

    [Fact]
    public void Too_many_attachments_are_refused() =>
        AssertKind(MessagingErrorKind.TooLarge, Raw(c =>
        {
            for (int i = 0; i <= Limits.MaxAttachments; i++)
            {
                c.Data.Attachments.Add(new ContentProto.AttachmentPointer { BlobId = "b", Key = ByteString.CopyFrom(new byte[64]), Digest = ByteString.CopyFrom(new byte[32]) });
            }
        }));

    [Fact]
    public void Oversized_content_is_refused_before_parsing() =>
        AssertKind(MessagingErrorKind.TooLarge, new byte[Limits.MaxContentLength + 1]);

    [Fact]
    public void Bad_padding_is_refused()
    {
        byte[] encoded = ContentCodec.Encode(Samples().First());
        AssertKind(MessagingErrorKind.InvalidEncoding, encoded.AsSpan(0, Array.LastIndexOf(encoded, (byte)0x80)).ToArray());
        AssertKind(MessagingErrorKind.InvalidEncoding, []);
    }

    [Fact]
    public void Invalid_device_lists_are_refused()
    {
        AssertKind(MessagingErrorKind.InvalidEncoding, Raw(c => c.DeviceListUpdate = new ContentProto.DeviceListUpdate { DeviceIds = { 1, 1 } }));
        AssertKind(MessagingErrorKind.InvalidEncoding, Raw(c => c.DeviceListUpdate = new ContentProto.DeviceListUpdate { DeviceIds = { 0 } }));
        AssertKind(MessagingErrorKind.InvalidEncoding, Raw(c => c.DeviceListUpdate = new ContentProto.DeviceListUpdate { DeviceIds = { 128 } }));
    }

    [Fact]
    public void Receipt_without_target_is_refused() =>
        AssertKind(MessagingErrorKind.InvalidEncoding, Raw(c => c.Receipt = new ContentProto.ReceiptMessage { Type = ContentProto.ReceiptMessage.Types.Type.Read }));

    [Fact]
    public void Data_message_never_prints_its_text()
    {
        var message = new DataMessage { Text = "secret words" };
        Assert.DoesNotContain("secret", message.ToString(), StringComparison.Ordinal);
        var pointer = new AttachmentPointer("blob", Enumerable.Repeat((byte)0xAB, 64).ToArray(), new byte[32], 1, "a/b");
        Assert.DoesNotContain("AB", pointer.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    private static byte[] Raw(Action<ContentProto.Content> mutate)
    {
        var content = new ContentProto.Content
        {
            Version = 1,
            ClientMessageId = ByteString.CopyFrom(Ids.Next().ToByteArray()),
            Data = new ContentProto.DataMessage { Text = "x" },
        };
        mutate(content);
        byte[] raw = content.ToByteArray();
        byte[] padded = new byte[raw.Length + 1];
        raw.CopyTo(padded, 0);
        padded[^1] = 0x80;
        return padded;
    }

    private static void AssertKind(MessagingErrorKind kind, byte[] bytes)
    {
        MessagingException e = Assert.Throws<MessagingException>(() => ContentCodec.Decode(bytes));
        Assert.Equal(kind, e.Kind);
        Assert.False(ContentCodec.TryDecode(bytes, out _));
    }

    private static void OnlyTyped(byte[] bytes)
    {
        try
        {
            ContentCodec.Decode(bytes);
        }
        catch (MessagingException)
        {
        }
    }
}
