using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.Proto.Fingerprint;
using Google.Protobuf;

namespace E2EMessaging.Protocol.Fingerprints;

/// <summary>
/// The safety number two users compare to rule out a man in the middle: a 60-digit string that is the same on
/// both phones, and a scannable (QR) form that each side checks against its own. Computed exactly as libsignal does.
/// </summary>
public sealed class Fingerprint
{
    private const int DigestLength = 64;
    private const int ScannableLength = 32;
    private const int DisplayedBytes = 30;

    private readonly uint _version;
    private readonly byte[] _local;
    private readonly byte[] _remote;

    private Fingerprint(uint version, byte[] local, byte[] remote)
    {
        _version = version;
        _local = local;
        _remote = remote;
        string localDigits = Digits(local);
        string remoteDigits = Digits(remote);
        DisplayString = string.CompareOrdinal(localDigits, remoteDigits) < 0 ? localDigits + remoteDigits : remoteDigits + localDigits;
    }

    /// <summary>The 60 digits to read aloud or compare on screen; both sides get the same string.</summary>
    public string DisplayString { get; }

    /// <summary>
    /// Computes the fingerprint of a conversation between the local and the remote identity.
    /// </summary>
    /// <param name="version">The scannable format version (Signal uses 2 with service ids, 1 with phone numbers).</param>
    /// <param name="iterations">SHA-512 iterations, from 2 to 1,000,000; Signal uses 5,200.</param>
    /// <param name="localId">The local account's stable identifier bytes (e.g. its service id or phone number).</param>
    /// <param name="localKey">The local identity key.</param>
    /// <param name="remoteId">The remote account's stable identifier bytes.</param>
    /// <param name="remoteKey">The remote identity key.</param>
    public static Fingerprint Create(uint version, int iterations, ReadOnlySpan<byte> localId, PublicKey localKey, ReadOnlySpan<byte> remoteId, PublicKey remoteKey)
    {
        ArgumentNullException.ThrowIfNull(localKey);
        ArgumentNullException.ThrowIfNull(remoteKey);
        if (iterations is <= 1 or > Limits.MaxFingerprintIterations)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(iterations), "Fingerprints take from 2 to 1,000,000 iterations.");
        }

        return new Fingerprint(version, Digest(iterations, localId, localKey), Digest(iterations, remoteId, remoteKey));
    }

    /// <summary>The scannable form: libsignal's <c>CombinedFingerprints</c> protobuf, to put in a QR code.</summary>
    public byte[] GetScannableEncoding() => new CombinedFingerprints
    {
        Version = _version,
        LocalFingerprint = new LogicalFingerprint { Content = ByteString.CopyFrom(_local, 0, ScannableLength) },
        RemoteFingerprint = new LogicalFingerprint { Content = ByteString.CopyFrom(_remote, 0, ScannableLength) },
    }.ToByteArray();

    /// <summary>
    /// Checks the other side's scanned code against ours: their local fingerprint must be our remote one and
    /// the other way round.
    /// </summary>
    /// <returns>True when the codes match.</returns>
    /// <exception cref="ProtocolException">The code does not parse, or was made with another version.</exception>
    public bool CompareScannable(ReadOnlySpan<byte> theirScannableEncoding)
    {
        CombinedFingerprints theirs = ProtobufReader.Parse(CombinedFingerprints.Parser, theirScannableEncoding, "scanned fingerprint");
        uint theirVersion = theirs.HasVersion ? theirs.Version : 0;
        if (theirVersion != _version)
        {
            ThrowHelper.Protocol(ProtocolErrorKind.FingerprintVersionMismatch, $"The scanned fingerprint has version {theirVersion}; ours is {_version}.");
        }

        if (theirs.LocalFingerprint is not { HasContent: true } || theirs.RemoteFingerprint is not { HasContent: true })
        {
            ThrowHelper.Protocol(ProtocolErrorKind.InvalidEncoding, "The scanned fingerprint lacks a local or remote part.");
        }

        bool remoteMatches = CryptographicOperations.FixedTimeEquals(theirs.LocalFingerprint.Content.Span, _remote.AsSpan(0, ScannableLength));
        bool localMatches = CryptographicOperations.FixedTimeEquals(theirs.RemoteFingerprint.Content.Span, _local.AsSpan(0, ScannableLength));
        return remoteMatches & localMatches;
    }

    /// <inheritdoc />
    public override string ToString() => DisplayString;

    /// <summary>SHA-512 iterated: H(0x0000 || key || id || key), then H(previous || key) until done.</summary>
    private static byte[] Digest(int iterations, ReadOnlySpan<byte> id, PublicKey key)
    {
        ReadOnlySpan<byte> keyBytes = key.SerializedSpan;
        byte[] first = new byte[2 + keyBytes.Length + id.Length + keyBytes.Length];
        keyBytes.CopyTo(first.AsSpan(2));
        id.CopyTo(first.AsSpan(2 + keyBytes.Length));
        keyBytes.CopyTo(first.AsSpan(2 + keyBytes.Length + id.Length));

        Span<byte> round = stackalloc byte[DigestLength + PublicKey.SerializedLength];
        Span<byte> digest = stackalloc byte[DigestLength];
        keyBytes.CopyTo(round[DigestLength..]);
        SHA512.HashData(first, digest);
        for (int i = 1; i < iterations; i++)
        {
            digest.CopyTo(round);
            SHA512.HashData(round, digest);
        }

        return digest.ToArray();
    }

    /// <summary>Six groups of five digits: each five-byte big-endian chunk of the first 30 bytes, mod 100,000.</summary>
    private static string Digits(byte[] digest)
    {
        return string.Create(DisplayedBytes, digest, static (chars, d) =>
        {
            for (int i = 0; i < 6; i++)
            {
                ulong chunk = BinaryPrimitives.ReadUInt64BigEndian(d.AsSpan(i * 5, 8)) >> 24;
                (chunk % 100_000).TryFormat(chars[(i * 5)..], out _, "D5", CultureInfo.InvariantCulture);
            }
        });
    }
}
