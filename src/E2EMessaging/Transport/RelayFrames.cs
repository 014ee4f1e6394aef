using E2EMessaging.Protocol;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.PreKeys;
using E2EMessaging.Wire;
using Google.Protobuf;
using Proto = E2EMessaging.Proto;

namespace E2EMessaging.Transport;

/// <summary>Encoding and checked decoding of the client ↔ relay frames (relay.proto), shared by both ends.</summary>
internal static class RelayFrames
{
    public static Proto.ClientFrame ParseClientFrame(ReadOnlySpan<byte> frame)
    {
        Proto.ClientFrame parsed = WireThrow.Parse(Proto.ClientFrame.Parser, frame, "client frame", WireLimits.MaxFrameLength);
        WireCodec.RequireVersion(parsed.Version, "client frame");
        if (parsed.RequestId == 0)
        {
            WireThrow.Invalid("A request has no request id.");
        }

        if (parsed.RequestCase == Proto.ClientFrame.RequestOneofCase.None)
        {
            WireThrow.Invalid("A client frame carries no request (or one this relay does not know).");
        }

        return parsed;
    }

    public static Proto.ServerFrame ParseServerFrame(ReadOnlySpan<byte> frame)
    {
        Proto.ServerFrame parsed = WireThrow.Parse(Proto.ServerFrame.Parser, frame, "server frame", WireLimits.MaxFrameLength);
        WireCodec.RequireVersion(parsed.Version, "server frame");
        return parsed;
    }

    public static Proto.ServerFrame Answer(ulong requestId) => new() { Version = WireLimits.CurrentVersion, RequestId = requestId };

    public static byte[] Error(ulong requestId, MessagingException error)
    {
        Proto.ServerFrame frame = Answer(requestId);
        frame.Error = WireErrors.ToProto(error);
        return frame.ToByteArray();
    }

    public static PublicKey ReadPublicKey(ByteString bytes, string what)
    {
        try
        {
            return PublicKey.Deserialize(bytes.Span);
        }
        catch (ProtocolException e)
        {
            throw new MessagingException(MessagingErrorKind.InvalidEncoding, $"The {what} is not a valid Curve25519 public key.", e);
        }
    }

    public static KyberPublicKey ReadKyberKey(ByteString bytes, string what)
    {
        try
        {
            return KyberPublicKey.Deserialize(bytes.Span);
        }
        catch (ProtocolException e)
        {
            throw new MessagingException(MessagingErrorKind.InvalidEncoding, $"The {what} is not a valid Kyber-1024 public key.", e);
        }
    }

    public static ReadOnlyMemory<byte> ReadSignature(ByteString bytes, string what)
    {
        if (bytes.Length != WireLimits.SignatureLength)
        {
            WireThrow.Invalid($"The {what} signature is {bytes.Length} bytes; it is {WireLimits.SignatureLength}.");
        }

        return bytes.Memory;
    }

    public static Proto.UploadPreKeys WriteUpload(PreKeyUpload upload)
    {
        var proto = new Proto.UploadPreKeys();
        if (upload.SignedPreKey is { } signed)
        {
            proto.SignedPreKey = new Proto.SignedPreKey { Id = signed.Id, PublicKey = WireCodec.Own(signed.PublicKey.Serialize()), Signature = WireCodec.Bytes(signed.Signature) };
        }

        if (upload.LastResortKyberPreKey is { } lastResort)
        {
            proto.LastResortKyberPreKey = WriteKyber(lastResort);
        }

        proto.OneTimePreKeys.AddRange(upload.OneTimePreKeys.Select(k => new Proto.OneTimePreKey { Id = k.Id, PublicKey = WireCodec.Own(k.PublicKey.Serialize()) }));
        proto.OneTimeKyberPreKeys.AddRange(upload.OneTimeKyberPreKeys.Select(WriteKyber));
        return proto;
    }

    public static PreKeyUpload ReadUpload(Proto.UploadPreKeys proto)
    {
        if (proto.OneTimePreKeys.Count > WireLimits.MaxPreKeysPerUpload || proto.OneTimeKyberPreKeys.Count > WireLimits.MaxPreKeysPerUpload)
        {
            WireThrow.Kind(MessagingErrorKind.TooLarge, $"At most {WireLimits.MaxPreKeysPerUpload} one-time prekeys of each kind per upload.");
        }

        PublishedSignedPreKey? signed = proto.SignedPreKey is { } s
            ? new PublishedSignedPreKey(s.Id, ReadPublicKey(s.PublicKey, "signed prekey"), ReadSignature(s.Signature, "signed prekey"))
            : null;
        PublishedKyberPreKey? lastResort = proto.LastResortKyberPreKey is { } k ? ReadKyber(k, "last-resort Kyber prekey") : null;
        var ec = proto.OneTimePreKeys.Select(p => new PublishedPreKey(p.Id, ReadPublicKey(p.PublicKey, "one-time prekey"))).ToList();
        var kyber = proto.OneTimeKyberPreKeys.Select(p => ReadKyber(p, "one-time Kyber prekey")).ToList();
        return new PreKeyUpload(signed, lastResort, ec, kyber);
    }

    public static Proto.SignedPreKey WriteKyber(PublishedKyberPreKey key) =>
        new() { Id = key.Id, PublicKey = WireCodec.Own(key.PublicKey.Serialize()), Signature = WireCodec.Bytes(key.Signature) };

    public static PublishedKyberPreKey ReadKyber(Proto.SignedPreKey proto, string what) =>
        new(proto.Id, ReadKyberKey(proto.PublicKey, what), ReadSignature(proto.Signature, what));

    public static Proto.PreKeyCounts WriteCounts(PreKeyCounts counts) =>
        new() { OneTimePreKeys = (uint)counts.OneTimePreKeys, OneTimeKyberPreKeys = (uint)counts.OneTimeKyberPreKeys };

    public static PreKeyCounts ReadCounts(Proto.PreKeyCounts? proto) =>
        proto is null
            ? WireThrow.Invalid<PreKeyCounts>("Prekey counts are missing.")
            : new PreKeyCounts((int)Math.Min(proto.OneTimePreKeys, int.MaxValue), (int)Math.Min(proto.OneTimeKyberPreKeys, int.MaxValue));

    /// <summary>Reads and verifies a bundle (a bundle whose signatures fail is refused, whoever served it).</summary>
    public static PreKeyBundle ReadBundle(Proto.Bundle proto)
    {
        if (!WireCodec.IsValidDeviceId(proto.DeviceId))
        {
            WireThrow.Invalid($"A bundle's device id {proto.DeviceId} is outside 1–127.");
        }

        if (proto.SignedPreKey is null || proto.KyberPreKey is null)
        {
            WireThrow.Invalid("A bundle lacks its signed prekey or its Kyber prekey.");
        }

        PublicKey identity = ReadPublicKey(proto.IdentityKey, "identity key");
        PublicKey signed = ReadPublicKey(proto.SignedPreKey.PublicKey, "signed prekey");
        PublishedKyberPreKey kyber = ReadKyber(proto.KyberPreKey, "Kyber prekey");
        PublicKey? oneTime = proto.OneTimePreKey is { } o ? ReadPublicKey(o.PublicKey, "one-time prekey") : null;
        try
        {
            return new PreKeyBundle(
                proto.RegistrationId,
                proto.DeviceId,
                proto.OneTimePreKey?.Id,
                oneTime,
                proto.SignedPreKey.Id,
                signed,
                ReadSignature(proto.SignedPreKey.Signature, "signed prekey").Span,
                identity,
                kyber.Id,
                kyber.PublicKey,
                kyber.Signature.Span);
        }
        catch (ProtocolException e)
        {
            throw new MessagingException(MessagingErrorKind.InvalidSignature, $"The bundle for device {proto.DeviceId} does not verify.", e);
        }
    }

    public static Proto.Device WriteDevice(DeviceInfo device) =>
        new() { DeviceId = device.DeviceId, RegistrationId = device.RegistrationId, IdentityKey = WireCodec.Own(device.IdentityKey.Serialize()) };

    public static DeviceInfo ReadDevice(Proto.Device proto)
    {
        if (!WireCodec.IsValidDeviceId(proto.DeviceId))
        {
            WireThrow.Invalid($"A device id {proto.DeviceId} is outside 1–127.");
        }

        return new DeviceInfo(proto.DeviceId, proto.RegistrationId, ReadPublicKey(proto.IdentityKey, "identity key"));
    }

    /// <summary>Reads a pushed frame; null for an answer to a request (request id nonzero), which a push stream ignores.</summary>
    public static IncomingFrame? ReadPush(Proto.ServerFrame frame)
    {
        if (frame.RequestId != 0)
        {
            return null;
        }

        return frame.BodyCase switch
        {
            Proto.ServerFrame.BodyOneofCase.Delivery => ReadDelivery(frame.Delivery),
            Proto.ServerFrame.BodyOneofCase.QueueEmpty => IncomingFrame.QueueEmpty,
            Proto.ServerFrame.BodyOneofCase.PreKeysLow => IncomingFrame.ForPreKeysLow(ReadCounts(frame.PreKeysLow)),
            _ => WireThrow.Invalid<IncomingFrame>($"Unknown pushed frame {frame.BodyCase}."),
        };
    }

    private static IncomingFrame ReadDelivery(Proto.Envelope proto)
    {
        Envelope envelope = Envelope.FromProto(proto);
        if (envelope.ServerSequence is null)
        {
            WireThrow.Invalid("A delivered envelope has no server sequence.");
        }

        return IncomingFrame.ForEnvelope(envelope);
    }

    public static byte[] Push(Envelope envelope)
    {
        Proto.ServerFrame frame = Answer(0);
        frame.Delivery = envelope.ToProto();
        return frame.ToByteArray();
    }

    public static byte[] PushQueueEmpty()
    {
        Proto.ServerFrame frame = Answer(0);
        frame.QueueEmpty = new Proto.QueueEmpty();
        return frame.ToByteArray();
    }

    public static byte[] PushPreKeysLow(PreKeyCounts counts)
    {
        Proto.ServerFrame frame = Answer(0);
        frame.PreKeysLow = WriteCounts(counts);
        return frame.ToByteArray();
    }

    public static string CheckedAccount(string account)
    {
        WireCodec.RequireAccount(account);
        return account;
    }

    public static ProtocolAddress Address(string account, uint deviceId)
    {
        WireCodec.RequireAccount(account);
        if (!WireCodec.IsValidDeviceId(deviceId))
        {
            WireThrow.Invalid($"Device id {deviceId} is outside 1–127.");
        }

        return new ProtocolAddress(account, deviceId);
    }
}
