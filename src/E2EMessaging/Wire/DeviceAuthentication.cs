using System.Buffers.Binary;
using System.Text;
using E2EMessaging.Protocol;
using E2EMessaging.Protocol.Keys;

namespace E2EMessaging.Wire;

/// <summary>
/// How a device proves to the relay that it holds its identity key: the relay sends a fresh random challenge, the
/// device answers with an XEdDSA signature by its identity key over
/// <c>"E2EMessaging-relay-auth-v1" ‖ u32be len(account) ‖ account (UTF-8) ‖ u32be device id ‖ challenge</c>.
/// Binding the address stops a signature for one device from authenticating another; the challenge stops replay.
/// </summary>
public static class DeviceAuthentication
{
    private static readonly byte[] Label = "E2EMessaging-relay-auth-v1"u8.ToArray();

    /// <summary>Signs the relay's challenge as <paramref name="device"/>.</summary>
    public static byte[] Sign(PrivateKey identityKey, ProtocolAddress device, ReadOnlySpan<byte> challenge, IRandomSource? random = null)
    {
        ArgumentNullException.ThrowIfNull(identityKey);
        ArgumentNullException.ThrowIfNull(device);
        return identityKey.CalculateSignature(Message(device, challenge), random);
    }

    /// <summary>Whether <paramref name="signature"/> is <paramref name="device"/>'s answer to <paramref name="challenge"/> under <paramref name="identityKey"/>.</summary>
    public static bool Verify(PublicKey identityKey, ProtocolAddress device, ReadOnlySpan<byte> challenge, ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(identityKey);
        ArgumentNullException.ThrowIfNull(device);
        return signature.Length == WireLimits.SignatureLength
            && challenge.Length == WireLimits.ChallengeLength
            && identityKey.VerifySignature(Message(device, challenge), signature);
    }

    private static byte[] Message(ProtocolAddress device, ReadOnlySpan<byte> challenge)
    {
        byte[] account = Encoding.UTF8.GetBytes(device.Name);
        var message = new byte[Label.Length + 4 + account.Length + 4 + challenge.Length];
        Span<byte> span = message;
        Label.CopyTo(span);
        span = span[Label.Length..];
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)account.Length);
        account.CopyTo(span[4..]);
        span = span[(4 + account.Length)..];
        BinaryPrimitives.WriteUInt32BigEndian(span, device.DeviceId);
        challenge.CopyTo(span[4..]);
        return message;
    }
}
