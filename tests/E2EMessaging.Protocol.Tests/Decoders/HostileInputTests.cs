using E2EMessaging.Protocol.Fingerprints;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.Messages;
using E2EMessaging.Protocol.PreKeys;
using E2EMessaging.Protocol.Sessions;
using E2EMessaging.Protocol.Tests.Sessions;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Decoders;

/// <summary>
/// Every decoder meets random bytes and mutations of valid input (truncation, extension, flipped bits, swapped
/// type bytes) and answers only with a value or a <see cref="ProtocolException"/> — never another exception.
/// </summary>
public sealed class HostileInputTests
{
    private static readonly IdentityKeyPair Identity = IdentityKeyPair.Generate();
    /// <summary>A real prekey message, a real whisper message and a real session record, from a short conversation.</summary>
    private static readonly Lazy<(byte[] PreKey, byte[] Whisper, byte[] Record)> SampleMessages = new(() => Task.Run(async () =>
    {
        var alice = new Party("alice");
        var bob = new Party("bob");
        await alice.Cipher.ProcessPreKeyBundleAsync(bob.Address, await bob.BundleAsync());
        byte[] preKey = (await alice.EncryptAsync(bob, "first")).Serialize();
        await bob.DecryptAsync(alice, PreKeySignalMessage.Deserialize(preKey));
        byte[] whisper = (await bob.EncryptAsync(alice, "reply")).Serialize();
        return (preKey, whisper, await bob.SessionBytesAsync(alice));
    }).GetAwaiter().GetResult());

    /// <summary>A real group message, distribution message and sender key record.</summary>
    private static readonly Lazy<(byte[] Message, byte[] Distribution, byte[] Record)> SampleGroup = new(() => Task.Run(async () =>
    {
        var alice = new Groups.Member("alice");
        Guid group = Guid.NewGuid();
        byte[] distribution = (await alice.Cipher.CreateDistributionMessageAsync(alice.Address, group)).Serialize();
        byte[] message = (await alice.SendAsync(group, "to the group")).Serialize();
        return (message, distribution, await alice.RecordBytesAsync(alice, group));
    }).GetAwaiter().GetResult());

    private static readonly Fingerprint SomeFingerprint = Fingerprint.Create(2, 2, [1], Identity.PublicKey, [2], PrivateKey.Generate().GetPublicKey());

    private static readonly Dictionary<string, (Action<byte[]> Decode, byte[] Valid)> Decoders = new()
    {
        ["PublicKey"] = (b => PublicKey.Deserialize(b), Identity.PublicKey.Serialize()),
        ["PrivateKey"] = (b => PrivateKey.Deserialize(b).Dispose(), Identity.PrivateKey.Serialize()),
        ["IdentityKeyPair"] = (b => IdentityKeyPair.Deserialize(b).Dispose(), Identity.Serialize()),
        ["PreKeyRecord"] = (b => PreKeyRecord.Deserialize(b).Dispose(), PreKeyRecord.Generate(7).Serialize()),
        ["SignedPreKeyRecord"] = (b => SignedPreKeyRecord.Deserialize(b).Dispose(), SignedPreKeyRecord.Generate(7, 1234, Identity).Serialize()),
        ["KyberPublicKey"] = (b => KyberPublicKey.Deserialize(b), KyberKeyPair.Generate().PublicKey.Serialize()),
        ["KyberSecretKey"] = (b => KyberSecretKey.Deserialize(b).Dispose(), KyberKeyPair.Generate().SecretKey.Serialize()),
        ["KyberPreKeyRecord"] = (b => KyberPreKeyRecord.Deserialize(b).Dispose(), KyberPreKeyRecord.Generate(7, 1234, Identity).Serialize()),
        ["ScannableFingerprint"] = (b => SomeFingerprint.CompareScannable(b), SomeFingerprint.GetScannableEncoding()),
        ["SignalMessage"] = (b => SignalMessage.Deserialize(b), SampleMessages.Value.Whisper),
        ["PreKeySignalMessage"] = (b => PreKeySignalMessage.Deserialize(b), SampleMessages.Value.PreKey),
        ["SessionRecord"] = (b => SessionRecord.Deserialize(b), SampleMessages.Value.Record),
        ["SenderKeyMessage"] = (b => SenderKeyMessage.Deserialize(b), SampleGroup.Value.Message),
        ["SenderKeyDistributionMessage"] = (b => SenderKeyDistributionMessage.Deserialize(b), SampleGroup.Value.Distribution),
        ["SenderKeyRecord"] = (b => Protocol.Groups.SenderKeyRecord.Deserialize(b), SampleGroup.Value.Record),
    };

    /// <summary>Each decoder with a valid input to mutate.</summary>
    public static readonly TheoryData<string> DecoderNames = new(Decoders.Keys);

    [Theory]
    [MemberData(nameof(DecoderNames))]
    public void Valid_input_decodes(string decoder)
    {
        (Action<byte[]> decode, byte[] valid) = Decoders[decoder];
        decode(valid);
    }

    [Theory]
    [MemberData(nameof(DecoderNames))]
    public void Every_truncation_is_a_typed_error_or_a_value(string decoder)
    {
        (Action<byte[]> decode, byte[] valid) = Decoders[decoder];
        for (int length = 0; length < valid.Length; length++)
        {
            OnlyTypedErrors(decode, valid.AsSpan(0, length).ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(DecoderNames))]
    public void Random_bytes_are_typed_errors(string decoder)
    {
        (Action<byte[]> decode, byte[] valid) = Decoders[decoder];
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes => OnlyTypedErrors(decode, bytes)).QuickCheckThrowOnFailure();

        // Random bytes of exactly the valid length, and with the valid first byte, get past the cheap checks.
        var random = new Random(decoder.Length);
        for (int i = 0; i < 200; i++)
        {
            byte[] bytes = new byte[valid.Length];
            random.NextBytes(bytes);
            OnlyTypedErrors(decode, bytes);
            bytes[0] = valid[0];
            OnlyTypedErrors(decode, bytes);
        }
    }

    [Theory]
    [MemberData(nameof(DecoderNames))]
    public void Mutations_of_valid_input_are_typed_errors_or_values(string decoder)
    {
        (Action<byte[]> decode, byte[] valid) = Decoders[decoder];
        var random = new Random(decoder.GetHashCode(StringComparison.Ordinal));
        for (int i = 0; i < 300; i++)
        {
            byte[] mutated = (byte[])valid.Clone();
            switch (i % 4)
            {
                case 0:
                    mutated[random.Next(mutated.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
                    break;
                case 2:
                    mutated = [.. mutated, .. new byte[random.Next(1, 40)]];
                    break;
                default:
                    mutated[0] = (byte)random.Next(256);
                    break;
            }

            OnlyTypedErrors(decode, mutated);
        }
    }

    [Fact]
    public void Oversized_records_are_refused_before_parsing()
    {
        byte[] huge = new byte[(64 * 1024) + 1];
        Assert.Equal(ProtocolErrorKind.InvalidEncoding, Assert.Throws<ProtocolException>(() => PreKeyRecord.Deserialize(huge)).Kind);
        Assert.Equal(ProtocolErrorKind.InvalidEncoding, Assert.Throws<ProtocolException>(() => KyberPreKeyRecord.Deserialize(huge)).Kind);
    }

    private static bool OnlyTypedErrors(Action<byte[]> decode, byte[] input)
    {
        try
        {
            decode(input);
        }
        catch (ProtocolException)
        {
        }

        return true;
    }
}
