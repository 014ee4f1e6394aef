using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using E2EMessaging.Protocol;

namespace E2EMessaging.Wire;

/// <summary>
/// The hash over the set of devices a message was encrypted for: SHA-256 of the label
/// <c>"E2EMessaging-device-set-v1"</c>, then for each device sorted by (account in ordinal UTF-8 byte order, device id):
/// u32be length of the account's UTF-8 bytes ‖ those bytes ‖ u32be device id ‖ u32be registration id.
/// The relay computes the same hash over its directory for the accounts a submit names; a difference means the
/// client's view of someone's devices is out of date.
/// </summary>
public static class DeviceSetHash
{
    private static readonly byte[] Label = "E2EMessaging-device-set-v1"u8.ToArray();

    /// <summary>Computes the hash over (device, registration id) pairs. Order does not matter; duplicates count twice.</summary>
    public static byte[] Compute(IEnumerable<(ProtocolAddress Device, uint RegistrationId)> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var entries = devices.Select(d => (Account: Encoding.UTF8.GetBytes(d.Device.Name), d.Device.DeviceId, d.RegistrationId)).ToList();
        entries.Sort((a, b) =>
        {
            int byAccount = a.Account.AsSpan().SequenceCompareTo(b.Account);
            return byAccount != 0 ? byAccount : a.DeviceId.CompareTo(b.DeviceId);
        });

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Label);
        Span<byte> number = stackalloc byte[4];
        foreach ((byte[] account, uint deviceId, uint registrationId) in entries)
        {
            BinaryPrimitives.WriteUInt32BigEndian(number, (uint)account.Length);
            hash.AppendData(number);
            hash.AppendData(account);
            BinaryPrimitives.WriteUInt32BigEndian(number, deviceId);
            hash.AppendData(number);
            BinaryPrimitives.WriteUInt32BigEndian(number, registrationId);
            hash.AppendData(number);
        }

        return hash.GetHashAndReset();
    }

    /// <summary>Computes the hash over the recipients of <paramref name="envelopes"/>.</summary>
    public static byte[] Compute(IEnumerable<OutgoingEnvelope> envelopes)
    {
        ArgumentNullException.ThrowIfNull(envelopes);
        return Compute(envelopes.Select(e => (e.Recipient, e.RegistrationId)));
    }
}
