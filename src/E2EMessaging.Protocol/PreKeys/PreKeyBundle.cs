using E2EMessaging.Protocol.Keys;

namespace E2EMessaging.Protocol.PreKeys;

/// <summary>
/// What a device publishes so that others can start a session with it while it is offline: its identity key,
/// a signed Curve25519 prekey, a signed Kyber-1024 prekey and optionally a one-time Curve25519 prekey.
/// Constructing a bundle verifies both signatures, so a bundle that exists is one whose prekeys the identity key vouches for.
/// </summary>
public sealed class PreKeyBundle
{
    /// <summary>Assembles and verifies a bundle.</summary>
    /// <exception cref="ArgumentException">Exactly one of <paramref name="preKeyId"/> and <paramref name="preKey"/> is given.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The device id is outside 1–127.</exception>
    /// <exception cref="ProtocolException">A signature does not verify (<see cref="ProtocolErrorKind.InvalidSignature"/>).</exception>
    public PreKeyBundle(
        uint registrationId,
        uint deviceId,
        uint? preKeyId,
        PublicKey? preKey,
        uint signedPreKeyId,
        PublicKey signedPreKey,
        ReadOnlySpan<byte> signedPreKeySignature,
        PublicKey identityKey,
        uint kyberPreKeyId,
        KyberPublicKey kyberPreKey,
        ReadOnlySpan<byte> kyberPreKeySignature)
    {
        ArgumentNullException.ThrowIfNull(signedPreKey);
        ArgumentNullException.ThrowIfNull(identityKey);
        ArgumentNullException.ThrowIfNull(kyberPreKey);
        if (preKeyId.HasValue != (preKey is not null))
        {
            ThrowHelper.Argument(nameof(preKey), "A one-time prekey needs both its id and its key, or neither.");
        }

        if (deviceId is < Limits.MinDeviceId or > Limits.MaxDeviceId)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(deviceId), "A device id is from 1 to 127.");
        }

        if (!identityKey.VerifySignature(signedPreKey.SerializedSpan, signedPreKeySignature))
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidSignature, $"The signature on signed prekey {signedPreKeyId} does not verify with the bundle's identity key.");
        }

        if (!identityKey.VerifySignature(kyberPreKey.SerializedSpan, kyberPreKeySignature))
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidSignature, $"The signature on Kyber prekey {kyberPreKeyId} does not verify with the bundle's identity key.");
        }

        RegistrationId = registrationId;
        DeviceId = deviceId;
        PreKeyId = preKeyId;
        PreKey = preKey;
        SignedPreKeyId = signedPreKeyId;
        SignedPreKey = signedPreKey;
        SignedPreKeySignature = signedPreKeySignature.ToArray();
        IdentityKey = identityKey;
        KyberPreKeyId = kyberPreKeyId;
        KyberPreKey = kyberPreKey;
        KyberPreKeySignature = kyberPreKeySignature.ToArray();
    }

    /// <summary>The device's registration id.</summary>
    public uint RegistrationId { get; }

    /// <summary>The device id, 1–127.</summary>
    public uint DeviceId { get; }

    /// <summary>The one-time prekey's id, if the bundle has one.</summary>
    public uint? PreKeyId { get; }

    /// <summary>The one-time prekey, if the bundle has one.</summary>
    public PublicKey? PreKey { get; }

    /// <summary>The signed prekey's id.</summary>
    public uint SignedPreKeyId { get; }

    /// <summary>The signed prekey.</summary>
    public PublicKey SignedPreKey { get; }

    /// <summary>The identity key's signature over the serialized signed prekey.</summary>
    public ReadOnlyMemory<byte> SignedPreKeySignature { get; }

    /// <summary>The device's identity key.</summary>
    public PublicKey IdentityKey { get; }

    /// <summary>The Kyber prekey's id.</summary>
    public uint KyberPreKeyId { get; }

    /// <summary>The Kyber-1024 prekey.</summary>
    public KyberPublicKey KyberPreKey { get; }

    /// <summary>The identity key's signature over the serialized Kyber prekey.</summary>
    public ReadOnlyMemory<byte> KyberPreKeySignature { get; }

    /// <inheritdoc />
    public override string ToString() => $"PreKeyBundle(device {DeviceId}, prekey {PreKeyId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, signed {SignedPreKeyId}, kyber {KyberPreKeyId})";
}
