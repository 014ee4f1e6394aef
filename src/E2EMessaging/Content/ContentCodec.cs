using E2EMessaging.Attachments;
using Google.Protobuf;
using E2EMessaging.Wire;
using ContentProto = E2EMessaging.Content.Proto;

namespace E2EMessaging.Content;

/// <summary>
/// Encodes and decodes <see cref="MessageContent"/> (Proto/content.proto, version 1). Encoded contents are padded
/// as Signal pads them (a 0x80 byte, then zeros up to a multiple of 160 bytes) so ciphertext lengths say little
/// about the text. Decoding hostile bytes never throws anything but <see cref="MessagingException"/>, never
/// allocates beyond <see cref="Limits.MaxContentLength"/> and checks every field's shape and size.
/// </summary>
internal static class ContentCodec
{
    /// <summary>Padding block, as Signal's: a padded content is a multiple of this many bytes.</summary>
    public const int PaddingBlock = 160;

    public static byte[] Encode(MessageContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var pb = new ContentProto.Content
        {
            Version = Limits.ContentVersion,
            ClientMessageId = Id(content.Id),
            Timestamp = (ulong)Math.Max(0, content.Timestamp),
        };
        switch (content.Body)
        {
            case DataBody data:
                pb.Data = ToProto(data.Message, data.GroupId);
                break;
            case ReceiptBody receipt:
                var r = new ContentProto.ReceiptMessage { Type = (ContentProto.ReceiptMessage.Types.Type)(int)receipt.Type };
                if (receipt.Watermark is { } watermark)
                {
                    r.Watermark = Id(watermark);
                }

                foreach (ClientMessageId id in receipt.Ids)
                {
                    r.MessageIds.Add(Id(id));
                }

                if (receipt.GroupId is { } receiptGroup)
                {
                    r.GroupId = Group(receiptGroup);
                }

                pb.Receipt = r;
                break;
            case SenderKeyDistributionBody skdm:
                pb.SenderKeyDistribution = new ContentProto.SenderKeyDistribution
                {
                    GroupId = Group(skdm.GroupId),
                    DistributionMessage = ByteString.CopyFrom(skdm.DistributionMessage),
                };
                break;
            case SyncBody sync:
                pb.Sync = new ContentProto.SyncMessage { Destination = sync.Destination ?? string.Empty, Data = ToProto(sync.Message, sync.GroupId) };
                break;
            case DeviceListUpdateBody devices:
                var d = new ContentProto.DeviceListUpdate();
                d.DeviceIds.Add(devices.DeviceIds);
                pb.DeviceListUpdate = d;
                break;
            case GroupUpdateBody update:
                var g = new ContentProto.GroupUpdate { GroupId = Group(update.GroupId), Revision = (ulong)update.Revision, Name = update.Name };
                g.Members.Add(update.Members);
                pb.GroupUpdate = g;
                break;
            case RetryRequestBody retry:
                pb.RetryRequest = new ContentProto.RetryRequest { TargetId = Id(retry.TargetId) };
                break;
            default:
                ThrowHelper.Argument(nameof(content), "Unknown content body.");
                break;
        }

        int length = pb.CalculateSize();
        if (length >= Limits.MaxContentLength)
        {
            ThrowHelper.Messaging(MessagingErrorKind.TooLarge, "The content is larger than the content size limit.");
        }

        byte[] padded = new byte[((length / PaddingBlock) + 1) * PaddingBlock];
        pb.WriteTo(padded.AsSpan(0, length));
        padded[length] = 0x80;
        return padded;
    }

    public static bool TryDecode(ReadOnlySpan<byte> bytes, out MessageContent? content)
    {
        try
        {
            content = Decode(bytes);
            return true;
        }
        catch (MessagingException)
        {
            content = null;
            return false;
        }
    }

    /// <exception cref="MessagingException">Anything malformed, oversized, of another version or of an unknown type.</exception>
    public static MessageContent Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > Limits.MaxContentLength)
        {
            ThrowHelper.Messaging(MessagingErrorKind.TooLarge, "The content is larger than the content size limit.");
        }

        int end = bytes.LastIndexOfAnyExcept((byte)0);
        if (end < 0 || bytes[end] != 0x80)
        {
            ThrowHelper.Messaging(MessagingErrorKind.InvalidEncoding, "The content's padding is malformed.");
        }

        ContentProto.Content pb;
        try
        {
            pb = ContentProto.Content.Parser.ParseFrom(bytes[..end]);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new MessagingException(MessagingErrorKind.InvalidEncoding, "The content is not a valid protobuf.", e);
        }

        if (pb.Version != Limits.ContentVersion)
        {
            ThrowHelper.Messaging(MessagingErrorKind.UnsupportedVersion, "The content has an unsupported version.");
        }

        ClientMessageId id = ReadId(pb.ClientMessageId);
        if (pb.Timestamp > long.MaxValue)
        {
            ThrowHelper.Messaging(MessagingErrorKind.InvalidEncoding, "The content's timestamp is out of range.");
        }

        ContentBody body = pb.BodyCase switch
        {
            ContentProto.Content.BodyOneofCase.Data => new DataBody(FromProto(pb.Data), ReadOptionalGroup(pb.Data.GroupId)),
            ContentProto.Content.BodyOneofCase.Receipt => ReadReceipt(pb.Receipt),
            ContentProto.Content.BodyOneofCase.SenderKeyDistribution => ReadDistribution(pb.SenderKeyDistribution),
            ContentProto.Content.BodyOneofCase.Sync => ReadSync(pb.Sync),
            ContentProto.Content.BodyOneofCase.DeviceListUpdate => ReadDevices(pb.DeviceListUpdate),
            ContentProto.Content.BodyOneofCase.RetryRequest => new RetryRequestBody(ReadId(pb.RetryRequest.TargetId)),
            ContentProto.Content.BodyOneofCase.GroupUpdate => ReadGroupUpdate(pb.GroupUpdate),
            _ => ThrowHelper.Messaging<ContentBody>(MessagingErrorKind.InvalidEncoding, "The content has no known body."),
        };
        return new MessageContent(id, (long)pb.Timestamp, body);
    }

    private static ContentProto.DataMessage ToProto(DataMessage message, Guid? groupId)
    {
        var pb = new ContentProto.DataMessage { Text = message.Text ?? string.Empty };
        foreach (AttachmentPointer a in message.Attachments)
        {
            pb.Attachments.Add(new ContentProto.AttachmentPointer
            {
                BlobId = a.BlobId,
                Key = ByteString.CopyFrom(a.Key),
                Digest = ByteString.CopyFrom(a.Digest),
                Size = (ulong)a.Size,
                ContentType = a.ContentType,
                FileName = a.FileName ?? string.Empty,
            });
        }

        if (message.Quote is { } quote)
        {
            pb.Quote = new ContentProto.Quote { TargetId = Id(quote.Id), Author = quote.Author, Text = quote.Text ?? string.Empty };
        }

        if (message.Reaction is { } reaction)
        {
            pb.Reaction = new ContentProto.Reaction
            {
                TargetId = Id(reaction.TargetId),
                TargetAuthor = reaction.TargetAuthor,
                Emoji = reaction.Emoji,
                Remove = reaction.Remove,
            };
        }

        if (message.EditOf is { } edit)
        {
            pb.EditTargetId = Id(edit);
        }

        if (message.DeleteOf is { } delete)
        {
            pb.DeleteTargetId = Id(delete);
        }

        if (groupId is { } group)
        {
            pb.GroupId = Group(group);
        }

        return pb;
    }

    private static DataMessage FromProto(ContentProto.DataMessage pb)
    {
        if (pb.Text.Length > Limits.MaxTextLength)
        {
            ThrowHelper.Messaging(MessagingErrorKind.TooLarge, "The message text is longer than the limit.");
        }

        if (pb.Attachments.Count > Limits.MaxAttachments)
        {
            ThrowHelper.Messaging(MessagingErrorKind.TooLarge, "The message has more attachments than the limit.");
        }

        var attachments = new AttachmentPointer[pb.Attachments.Count];
        for (int i = 0; i < attachments.Length; i++)
        {
            ContentProto.AttachmentPointer a = pb.Attachments[i];
            ShortString(a.BlobId, required: true);
            ShortString(a.ContentType, required: false);
            ShortString(a.FileName, required: false);
            if (a.Key.Length != Limits.AttachmentKeyLength || a.Digest.Length != Limits.DigestLength)
            {
                ThrowHelper.Messaging(MessagingErrorKind.InvalidEncoding, "An attachment key must be 64 bytes and its digest 32.");
            }

            if (a.Size > (ulong)Limits.MaxAttachmentLength)
            {
                ThrowHelper.Messaging(MessagingErrorKind.TooLarge, "An attachment is larger than the limit.");
            }

            attachments[i] = new AttachmentPointer(a.BlobId, a.Key.Span, a.Digest.Span, (long)a.Size, a.ContentType, a.FileName.Length == 0 ? null : a.FileName);
        }

        QuotedMessage? quote = null;
        if (pb.Quote is { } q)
        {
            ShortString(q.Author, required: true);
            if (q.Text.Length > Limits.MaxTextLength)
            {
                ThrowHelper.Messaging(MessagingErrorKind.TooLarge, "The quoted text is longer than the limit.");
            }

            quote = new QuotedMessage(ReadId(q.TargetId), q.Author, q.Text.Length == 0 ? null : q.Text);
        }

        Reaction? reaction = null;
        if (pb.Reaction is { } r)
        {
            ShortString(r.TargetAuthor, required: true);
            ShortString(r.Emoji, required: true);
            reaction = new Reaction(ReadId(r.TargetId), r.TargetAuthor, r.Emoji, r.Remove);
        }

        return new DataMessage
        {
            Text = pb.Text.Length == 0 ? null : pb.Text,
            Attachments = attachments,
            Quote = quote,
            Reaction = reaction,
            EditOf = pb.EditTargetId.IsEmpty ? null : ReadId(pb.EditTargetId),
            DeleteOf = pb.DeleteTargetId.IsEmpty ? null : ReadId(pb.DeleteTargetId),
        };
    }

    private static ReceiptBody ReadReceipt(ContentProto.ReceiptMessage pb)
    {
        if (pb.Type is not (ContentProto.ReceiptMessage.Types.Type.Delivered or ContentProto.ReceiptMessage.Types.Type.Read))
        {
            ThrowHelper.Messaging(MessagingErrorKind.InvalidEncoding, "The receipt has an unknown type.");
        }

        if (pb.MessageIds.Count > Limits.MaxReceiptIds)
        {
            ThrowHelper.Messaging(MessagingErrorKind.TooLarge, "The receipt lists more ids than the limit.");
        }

        var ids = new ClientMessageId[pb.MessageIds.Count];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = ReadId(pb.MessageIds[i]);
        }

        ClientMessageId? watermark = pb.Watermark.IsEmpty ? null : ReadId(pb.Watermark);
        if (watermark is null && ids.Length == 0)
        {
            ThrowHelper.Messaging(MessagingErrorKind.InvalidEncoding, "A receipt names no message.");
        }

        return new ReceiptBody((ReceiptType)(int)pb.Type, watermark, ids, ReadOptionalGroup(pb.GroupId));
    }

    private static SenderKeyDistributionBody ReadDistribution(ContentProto.SenderKeyDistribution pb)
    {
        if (pb.DistributionMessage.Length is 0 or > Limits.MaxDistributionMessageLength)
        {
            ThrowHelper.Messaging(MessagingErrorKind.InvalidEncoding, "A sender-key distribution message has an invalid length.");
        }

        return new SenderKeyDistributionBody(ReadGroup(pb.GroupId), pb.DistributionMessage.ToByteArray());
    }

    private static SyncBody ReadSync(ContentProto.SyncMessage pb)
    {
        if (pb.Data is null)
        {
            ThrowHelper.Messaging(MessagingErrorKind.InvalidEncoding, "A sync message carries no message.");
        }

        ShortString(pb.Destination, required: false);
        Guid? group = ReadOptionalGroup(pb.Data.GroupId);
        if ((pb.Destination.Length == 0) == (group is null))
        {
            ThrowHelper.Messaging(MessagingErrorKind.InvalidEncoding, "A sync message names exactly one of a destination or a group.");
        }

        return new SyncBody(pb.Destination.Length == 0 ? null : pb.Destination, group, FromProto(pb.Data));
    }

    private static DeviceListUpdateBody ReadDevices(ContentProto.DeviceListUpdate pb)
    {
        if (pb.DeviceIds.Count is 0 or > (int)Limits.MaxDeviceId)
        {
            ThrowHelper.Messaging(MessagingErrorKind.InvalidEncoding, "A device list holds 1 to 127 devices.");
        }

        var ids = new uint[pb.DeviceIds.Count];
        for (int i = 0; i < ids.Length; i++)
        {
            uint id = pb.DeviceIds[i];
            if (id is 0 or > Limits.MaxDeviceId || Array.IndexOf(ids, id, 0, i) >= 0)
            {
                ThrowHelper.Messaging(MessagingErrorKind.InvalidEncoding, "A device list holds distinct ids from 1 to 127.");
            }

            ids[i] = id;
        }

        return new DeviceListUpdateBody(ids);
    }

    private static GroupUpdateBody ReadGroupUpdate(ContentProto.GroupUpdate pb)
    {
        if (pb.Members.Count is 0 or > Limits.MaxGroupSizeOnWire)
        {
            ThrowHelper.Messaging(MessagingErrorKind.TooLarge, "A group update lists no members or more than the limit.");
        }

        if (pb.Revision > long.MaxValue)
        {
            ThrowHelper.Messaging(MessagingErrorKind.InvalidEncoding, "A group revision is out of range.");
        }

        ShortString(pb.Name, required: false);
        foreach (string member in pb.Members)
        {
            ShortString(member, required: true);
        }

        return new GroupUpdateBody(ReadGroup(pb.GroupId), (long)pb.Revision, pb.Name, [.. pb.Members]);
    }

    private static void ShortString(string value, bool required)
    {
        if (value.Length > Limits.MaxShortString)
        {
            ThrowHelper.Messaging(MessagingErrorKind.TooLarge, "A short text field is longer than the limit.");
        }

        if (required && value.Length == 0)
        {
            ThrowHelper.Messaging(MessagingErrorKind.InvalidEncoding, "A required field is empty.");
        }
    }

    private static ByteString Id(ClientMessageId id) => ByteString.CopyFrom(id.ToByteArray());

    private static ByteString Group(Guid group) => ByteString.CopyFrom(group.ToByteArray(bigEndian: true));

    private static ClientMessageId ReadId(ByteString bytes)
    {
        if (!ClientMessageId.TryFromBytes(bytes.Span, out ClientMessageId id))
        {
            ThrowHelper.Messaging(MessagingErrorKind.InvalidEncoding, "A message id is not a 16-byte UUIDv7.");
        }

        return id;
    }

    private static Guid ReadGroup(ByteString bytes)
    {
        if (bytes.Length != Limits.GroupIdLength)
        {
            ThrowHelper.Messaging(MessagingErrorKind.InvalidEncoding, "A group id is 16 bytes.");
        }

        return new Guid(bytes.Span, bigEndian: true);
    }

    private static Guid? ReadOptionalGroup(ByteString bytes) => bytes.IsEmpty ? null : ReadGroup(bytes);
}
