using BenchmarkDotNet.Attributes;

namespace E2EMessaging.Benchmarks;

/// <summary>
/// 1:1 sessions end to end through <see cref="E2EMessaging.Protocol.Sessions.SessionCipher"/>, with stores that
/// keep serialized records (every encrypt and decrypt loads and stores the record bytes) and messages that go
/// through their byte form. The same three workloads as benchmarks/compare-libsignal (see its README), so the
/// numbers here break down what that comparison measures; all plaintexts are 160 bytes:
/// <list type="bullet">
/// <item><b>Session setup</b>, per operation: alice parses bob's bundle bytes (3 X25519 keys, a Kyber-1024 key,
/// two XEdDSA signature checks) and processes it (PQXDH), encrypts her first message (a PreKey message), and bob
/// parses and decrypts it (PQXDH, DH ratchet step). Each operation is a first contact: both session stores are
/// emptied first (inside the clock, a dictionary clear). Bob's fresh one-time prekeys are minted outside the
/// clock, in an <c>[IterationSetup]</c> that prepares <see cref="SetupBatch"/> bundles; one invocation then runs
/// the whole batch (<c>OperationsPerInvoke</c>), so an iteration is tens of milliseconds, long enough that
/// BenchmarkDotNet's one-invocation-per-iteration mode (which <c>[IterationSetup]</c> forces) measures it well.
/// What the minting costs on its own is <see cref="MintOneTimePreKey"/>.</item>
/// <item><b>Encrypt + decrypt 160 B</b>, per operation: alice encrypts, bob decrypts, always alice → bob on an
/// answered session: one long sending chain, symmetric ratchet only, no DH step.</item>
/// <item><b>Ping-pong</b>, per operation: one turn, i.e. one message (encrypt + decrypt); directions alternate, so
/// every message starts a new chain and its decryption does a DH ratchet step (2 X25519, 2 root HKDFs, a fresh
/// ratchet key). One invocation runs alice → bob then bob → alice and counts as two operations.</item>
/// </list>
/// Every session runs SPQR (the post-quantum ratchet) in every message, as libsignal 0.103 does; <see cref="SpqrBenchmarks"/> isolates its cost.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class SessionBenchmarks
{
    /// <summary>Session setups per invocation of <see cref="SessionSetup"/>.</summary>
    public const int SetupBatch = 64;

    private static readonly byte[] Plaintext160 = [.. Enumerable.Range(0, 160).Select(i => (byte)i)];

    private readonly BundleBytes[] _bundles = new BundleBytes[SetupBatch];
    private SessionParty _setupAlice = null!;
    private SessionParty _setupBob = null!;
    private SessionParty _chainAlice = null!;
    private SessionParty _chainBob = null!;
    private SessionParty _pingAlice = null!;
    private SessionParty _pingBob = null!;

    [GlobalSetup]
    public void Setup()
    {
        _setupAlice = SessionParty.CreateAsync("alice", 1111).GetAwaiter().GetResult();
        _setupBob = SessionParty.CreateAsync("bob", 2222).GetAwaiter().GetResult();
        (_chainAlice, _chainBob) = SessionParty.EstablishedPairAsync().GetAwaiter().GetResult();
        (_pingAlice, _pingBob) = SessionParty.EstablishedPairAsync().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (SessionParty party in new[] { _setupAlice, _setupBob, _chainAlice, _chainBob, _pingAlice, _pingBob })
        {
            party?.Dispose();
        }
    }

    /// <summary>Bob mints the one-time prekeys that the next <see cref="SessionSetup"/> invocation consumes (untimed).</summary>
    [IterationSetup(Target = nameof(SessionSetup))]
    public void MintBundles()
    {
        for (int i = 0; i < SetupBatch; i++)
        {
            _bundles[i] = _setupBob.FreshBundleAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    [Benchmark(Description = "session setup (bundle + PreKey msg + decrypt)", OperationsPerInvoke = SetupBatch)]
    public async Task<byte[]> SessionSetup()
    {
        byte[] plaintext = [];
        for (int i = 0; i < SetupBatch; i++)
        {
            _setupAlice.Sessions.Clear();
            _setupBob.Sessions.Clear();
            await _setupAlice.Cipher.ProcessPreKeyBundleAsync(_setupBob.Address, SessionParty.BundleFromBytes(_bundles[i]));
            WireMessage message = await _setupAlice.EncryptAsync(_setupBob, Plaintext160);
            plaintext = await _setupBob.DecryptAsync(_setupAlice, message);
        }

        return plaintext;
    }

    /// <summary>What <see cref="MintBundles"/> costs per bundle (then removes the prekey again, so the store stays small).</summary>
    [Benchmark(Description = "mint + store a one-time prekey (untimed in setup)")]
    public async Task<byte[]> MintOneTimePreKey()
    {
        BundleBytes bundle = await _setupBob.FreshBundleAsync();
        await _setupBob.Store.RemovePreKeyAsync(bundle.PreKeyId);
        return bundle.PreKeyPublic;
    }

    [Benchmark(Description = "encrypt + decrypt 160 B, same chain")]
    public async Task<byte[]> EncryptDecrypt160()
    {
        WireMessage message = await _chainAlice.EncryptAsync(_chainBob, Plaintext160);
        return await _chainBob.DecryptAsync(_chainAlice, message);
    }

    [Benchmark(Description = "ping-pong, per message (DH step each)", OperationsPerInvoke = 2)]
    public async Task<byte[]> PingPong()
    {
        WireMessage ping = await _pingAlice.EncryptAsync(_pingBob, Plaintext160);
        await _pingBob.DecryptAsync(_pingAlice, ping);
        WireMessage pong = await _pingBob.EncryptAsync(_pingAlice, Plaintext160);
        return await _pingAlice.DecryptAsync(_pingBob, pong);
    }
}
