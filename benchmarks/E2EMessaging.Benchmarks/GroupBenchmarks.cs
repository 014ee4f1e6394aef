using BenchmarkDotNet.Attributes;
using E2EMessaging.Protocol;
using E2EMessaging.Protocol.Crypto;
using E2EMessaging.Protocol.Groups;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.Messages;
using E2EMessaging.Protocol.Storage;

namespace E2EMessaging.Benchmarks;

/// <summary>
/// Sender-key group messages through <see cref="GroupCipher"/> with stores that keep records serialized, as a host's
/// database would: encrypt (one AES-CBC, one XEdDSA signature) and decrypt (one XEdDSA verification, one AES-CBC)
/// of 160 B and 4 KiB messages; decryption after 100 and 1,000 skipped iterations (as libsignal's own group
/// benchmarks measure); and the floor in the same run, counted as benchmarks/compare-libsignal counts it: one XEdDSA
/// sign and one verify over the signed body of the real message, four chain HMACs (a chain step on each side derives
/// the message-key seed and the next chain key), two "WhisperGroup" HKDFs and AES-256-CBC both ways.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class GroupBenchmarks
{
    private readonly Guid _group = Guid.NewGuid();
    private readonly ProtocolAddress _alice = new("alice", 1);
    private readonly ProtocolAddress _bob = new("bob", 1);
    private byte[] _plaintext = [];
    private GroupCipher _sender = null!;
    private GroupCipher _receiver = null!;
    private InMemorySenderKeyStore _receiverStore = null!;
    private byte[] _receiverRecord = [];
    private SenderKeyMessage _message = null!;
    private SenderKeyMessage _after100 = null!;
    private SenderKeyMessage _after1000 = null!;
    private PrivateKey _signingKey = null!;
    private byte[] _signature = [];
    private byte[] _signedBody = [];
    private readonly byte[] _nextChainKey = new byte[32];
    private readonly byte[] _chainKey = new byte[32];
    private readonly byte[] _seed = new byte[32];
    private readonly byte[] _keys = new byte[48];

    /// <summary>Plaintext size in bytes.</summary>
    [Params(160, 4096)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _plaintext = new byte[Size];
        Random.Shared.NextBytes(_plaintext);
        _sender = new GroupCipher(new InMemorySenderKeyStore());
        _receiverStore = new InMemorySenderKeyStore();
        _receiver = new GroupCipher(_receiverStore);
        SenderKeyDistributionMessage distribution = _sender.CreateDistributionMessageAsync(_alice, _group).AsTask().GetAwaiter().GetResult();
        _receiver.ProcessDistributionMessageAsync(_alice, distribution).AsTask().GetAwaiter().GetResult();
        _receiverRecord = _receiverStore.LoadSenderKeyAsync(_alice, _group).AsTask().GetAwaiter().GetResult()!.Serialize();

        // Messages at iterations 0, 100 and 1,000 of the same chain, for the receiver at iteration 0.
        var messages = new List<SenderKeyMessage>();
        for (int i = 0; i <= 1000; i++)
        {
            messages.Add(_sender.EncryptAsync(_alice, _group, _plaintext).AsTask().GetAwaiter().GetResult());
        }

        _message = messages[0];
        _after100 = messages[100];
        _after1000 = messages[1000];
        _signingKey = PrivateKey.Generate();
        _signedBody = _message.Serialize()[..^64];
        _signature = _signingKey.CalculateSignature(_signedBody);
        Random.Shared.NextBytes(_chainKey);
    }

    [Benchmark(Description = "group encrypt")]
    public SenderKeyMessage Encrypt() => _sender.EncryptAsync(_alice, _group, _plaintext).AsTask().GetAwaiter().GetResult();

    [Benchmark(Description = "group decrypt")]
    public byte[] Decrypt()
    {
        ResetReceiver();
        return _receiver.DecryptAsync(_alice, _message).AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Description = "group decrypt after 100 skipped")]
    public byte[] DecryptAfter100()
    {
        ResetReceiver();
        return _receiver.DecryptAsync(_alice, _after100).AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Description = "group decrypt after 1,000 skipped")]
    public byte[] DecryptAfter1000()
    {
        ResetReceiver();
        return _receiver.DecryptAsync(_alice, _after1000).AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Description = "reset receiver record (subtract from decrypts)")]
    public void ResetOnly() => ResetReceiver();

    [Benchmark(Description = "floor: sign + verify + symmetric")]
    public bool Floor()
    {
        byte[] signature = _signingKey.CalculateSignature(_signedBody);
        bool valid = _signingKey.GetPublicKey().VerifySignature(_signedBody, _signature);
        for (int side = 0; side < 2; side++)
        {
            Kdf.HmacSha256(_chainKey, [0x01], _seed);
            Kdf.HmacSha256(_chainKey, [0x02], _nextChainKey);
            Kdf.Hkdf(_seed, [], "WhisperGroup"u8, _keys);
        }

        byte[] ciphertext = Aes256Cbc.Encrypt(_keys.AsSpan(16), _keys.AsSpan(0, 16), _plaintext);
        return valid & signature.Length == 64 & Aes256Cbc.TryDecrypt(_keys.AsSpan(16), _keys.AsSpan(0, 16), ciphertext, out _);
    }

    /// <summary>Puts the receiver back at iteration 0 so that every decrypt does the same work (one store write).</summary>
    private void ResetReceiver() =>
        _receiverStore.StoreSenderKeyAsync(_alice, _group, SenderKeyRecord.Deserialize(_receiverRecord)).AsTask().GetAwaiter().GetResult();
}
