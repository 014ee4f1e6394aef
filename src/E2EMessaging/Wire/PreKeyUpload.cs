using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.PreKeys;

namespace E2EMessaging.Wire;

/// <summary>A Curve25519 prekey's public half as published: id and key (one-time prekeys are unsigned).</summary>
public sealed class PublishedPreKey
{
    /// <summary>Creates a published prekey.</summary>
    public PublishedPreKey(uint id, PublicKey publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        Id = id;
        PublicKey = publicKey;
    }

    /// <summary>The prekey id.</summary>
    public uint Id { get; }

    /// <summary>The public key.</summary>
    public PublicKey PublicKey { get; }

    /// <inheritdoc />
    public override string ToString() => $"PublishedPreKey({Id})";
}

/// <summary>A signed Curve25519 prekey's public half as published: id, key, and the identity key's signature over the serialized key.</summary>
public sealed class PublishedSignedPreKey
{
    /// <summary>Creates a published signed prekey.</summary>
    public PublishedSignedPreKey(uint id, PublicKey publicKey, ReadOnlyMemory<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        Id = id;
        PublicKey = publicKey;
        Signature = signature;
    }

    /// <summary>The prekey id.</summary>
    public uint Id { get; }

    /// <summary>The public key.</summary>
    public PublicKey PublicKey { get; }

    /// <summary>The identity key's XEdDSA signature over <see cref="PublicKey"/>'s serialized form.</summary>
    public ReadOnlyMemory<byte> Signature { get; }

    /// <summary>The public half of a record.</summary>
    public static PublishedSignedPreKey From(SignedPreKeyRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new(record.Id, record.PublicKey, record.Signature.ToArray());
    }

    /// <inheritdoc />
    public override string ToString() => $"PublishedSignedPreKey({Id})";
}

/// <summary>A signed Kyber-1024 prekey's public half as published: id, key, and the identity key's signature over the serialized key.</summary>
public sealed class PublishedKyberPreKey
{
    /// <summary>Creates a published Kyber prekey.</summary>
    public PublishedKyberPreKey(uint id, KyberPublicKey publicKey, ReadOnlyMemory<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        Id = id;
        PublicKey = publicKey;
        Signature = signature;
    }

    /// <summary>The prekey id.</summary>
    public uint Id { get; }

    /// <summary>The public key.</summary>
    public KyberPublicKey PublicKey { get; }

    /// <summary>The identity key's XEdDSA signature over <see cref="PublicKey"/>'s serialized form.</summary>
    public ReadOnlyMemory<byte> Signature { get; }

    /// <summary>The public half of a record.</summary>
    public static PublishedKyberPreKey From(KyberPreKeyRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new(record.Id, record.PublicKey, record.Signature.ToArray());
    }

    /// <inheritdoc />
    public override string ToString() => $"PublishedKyberPreKey({Id})";
}

/// <summary>
/// What a device publishes to the relay's prekey directory: optionally a new signed prekey and a new last-resort
/// Kyber prekey (each replaces the current one), and more one-time Curve25519 and Kyber prekeys (added to the pool).
/// Public halves only: nothing here is secret. The relay verifies every signature against the device's identity key.
/// </summary>
public sealed class PreKeyUpload
{
    /// <summary>Creates an upload.</summary>
    /// <exception cref="ArgumentException">More than <see cref="WireLimits.MaxPreKeysPerUpload"/> one-time prekeys of one kind.</exception>
    public PreKeyUpload(
        PublishedSignedPreKey? signedPreKey,
        PublishedKyberPreKey? lastResortKyberPreKey,
        IEnumerable<PublishedPreKey>? oneTimePreKeys = null,
        IEnumerable<PublishedKyberPreKey>? oneTimeKyberPreKeys = null)
    {
        var ec = (oneTimePreKeys ?? []).ToList();
        var kyber = (oneTimeKyberPreKeys ?? []).ToList();
        if (ec.Count > WireLimits.MaxPreKeysPerUpload || kyber.Count > WireLimits.MaxPreKeysPerUpload)
        {
            throw new ArgumentException($"At most {WireLimits.MaxPreKeysPerUpload} one-time prekeys of each kind per upload.", nameof(oneTimePreKeys));
        }

        if (ec.Contains(null!) || kyber.Contains(null!))
        {
            throw new ArgumentException("A prekey list has a null entry.", nameof(oneTimePreKeys));
        }

        SignedPreKey = signedPreKey;
        LastResortKyberPreKey = lastResortKyberPreKey;
        OneTimePreKeys = ec.AsReadOnly();
        OneTimeKyberPreKeys = kyber.AsReadOnly();
    }

    /// <summary>A new signed prekey, or null to keep the current one.</summary>
    public PublishedSignedPreKey? SignedPreKey { get; }

    /// <summary>A new last-resort Kyber prekey (served when no one-time Kyber prekey is left), or null to keep the current one.</summary>
    public PublishedKyberPreKey? LastResortKyberPreKey { get; }

    /// <summary>One-time Curve25519 prekeys to add.</summary>
    public IReadOnlyList<PublishedPreKey> OneTimePreKeys { get; }

    /// <summary>One-time Kyber prekeys to add.</summary>
    public IReadOnlyList<PublishedKyberPreKey> OneTimeKyberPreKeys { get; }

    /// <summary>The public halves of a device's prekey records.</summary>
    public static PreKeyUpload From(
        SignedPreKeyRecord? signedPreKey,
        KyberPreKeyRecord? lastResortKyberPreKey,
        IEnumerable<PreKeyRecord>? oneTimePreKeys = null,
        IEnumerable<KyberPreKeyRecord>? oneTimeKyberPreKeys = null) => new(
            signedPreKey is null ? null : PublishedSignedPreKey.From(signedPreKey),
            lastResortKyberPreKey is null ? null : PublishedKyberPreKey.From(lastResortKyberPreKey),
            oneTimePreKeys?.Select(r => new PublishedPreKey(r.Id, r.KeyPair.PublicKey)),
            oneTimeKyberPreKeys?.Select(PublishedKyberPreKey.From));

    /// <inheritdoc />
    public override string ToString() => $"PreKeyUpload(signed {SignedPreKey?.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}, last resort {LastResortKyberPreKey?.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}, {OneTimePreKeys.Count} EC, {OneTimeKyberPreKeys.Count} Kyber)";
}

/// <summary>How many one-time prekeys the relay still holds for a device; below the relay's threshold the device should upload more.</summary>
public sealed class PreKeyCounts
{
    /// <summary>Creates the counts.</summary>
    public PreKeyCounts(int oneTimePreKeys, int oneTimeKyberPreKeys)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(oneTimePreKeys);
        ArgumentOutOfRangeException.ThrowIfNegative(oneTimeKyberPreKeys);
        OneTimePreKeys = oneTimePreKeys;
        OneTimeKyberPreKeys = oneTimeKyberPreKeys;
    }

    /// <summary>One-time Curve25519 prekeys left.</summary>
    public int OneTimePreKeys { get; }

    /// <summary>One-time Kyber prekeys left (the last-resort key is not counted).</summary>
    public int OneTimeKyberPreKeys { get; }

    /// <inheritdoc />
    public override string ToString() => $"PreKeyCounts(EC {OneTimePreKeys}, Kyber {OneTimeKyberPreKeys})";
}

/// <summary>One device of an account as the relay's directory lists it.</summary>
public sealed class DeviceInfo
{
    /// <summary>Creates a device entry.</summary>
    public DeviceInfo(uint deviceId, uint registrationId, PublicKey identityKey)
    {
        ArgumentNullException.ThrowIfNull(identityKey);
        DeviceId = deviceId;
        RegistrationId = registrationId;
        IdentityKey = identityKey;
    }

    /// <summary>The device id, 1–127.</summary>
    public uint DeviceId { get; }

    /// <summary>The device's registration id (changes when the device re-registers).</summary>
    public uint RegistrationId { get; }

    /// <summary>The device's identity key.</summary>
    public PublicKey IdentityKey { get; }

    /// <inheritdoc />
    public override string ToString() => $"DeviceInfo({DeviceId}, registration {RegistrationId})";
}
