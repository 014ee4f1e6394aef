using BenchmarkDotNet.Attributes;
using E2EMessaging.Protocol;
using E2EMessaging.Protocol.Proto.Spqr;
using E2EMessaging.Protocol.Sessions;
using E2EMessaging.Protocol.Spqr;
using Google.Protobuf;

namespace E2EMessaging.Benchmarks;

/// <summary>
/// What SPQR (the sparse post-quantum ratchet) adds to the Double Ratchet.
/// <list type="bullet">
/// <item><b>SPQR alone, per message</b>: <see cref="SpqrRatchet.Send"/> on one side and
/// <see cref="SpqrRatchet.Receive"/> on the other, with state and message in their byte form as the session cipher
/// keeps them, over a fixed script of <see cref="ScriptMessages"/> messages in turns of <see cref="Turn"/> messages
/// (long enough for the braid to move on), starting from fresh states each invocation. The script completes
/// <see cref="EpochsInScript"/> epochs.</item>
/// <item><b>One epoch</b>: the same from fresh states until both sides hold the first epoch's secret
/// (<see cref="MessagesToFirstEpoch"/> messages): the ML-KEM-768 key pair, both encapsulation halves, the
/// decapsulation, the erasure coding of header, key and ciphertexts, the MACs, and every message's chain step.</item>
/// <item><b>Encrypt + decrypt with and without SPQR</b>: the same established session pair workload as
/// <see cref="SessionBenchmarks"/>, once as created (SPQR on, as libsignal 0.103 runs every session) and once with
/// SPQR state removed from both records (the Double Ratchet alone); the difference is SPQR's added cost per message
/// in a one-directional chain.</item>
/// </list>
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class SpqrBenchmarks
{
    /// <summary>Messages in the scripted conversation.</summary>
    public const int ScriptMessages = 600;

    /// <summary>Messages per turn before the direction switches.</summary>
    public const int Turn = 50;

    private static readonly byte[] Plaintext160 = [.. Enumerable.Range(0, 160).Select(i => (byte)i)];

    private readonly byte[] _authKey = [.. Enumerable.Range(100, 32).Select(i => (byte)i)];
    private ByteString _initialA = ByteString.Empty;
    private ByteString _initialB = ByteString.Empty;
    private SessionParty _withAlice = null!;
    private SessionParty _withBob = null!;
    private SessionParty _withoutAlice = null!;
    private SessionParty _withoutBob = null!;

    /// <summary>Epochs the script completes (computed in setup; printed with the results).</summary>
    public static ulong EpochsInScript { get; private set; }

    /// <summary>Messages, in turns of <see cref="Turn"/>, from fresh states until both sides reach epoch 1 (computed in setup).</summary>
    public static int MessagesToFirstEpoch { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        _initialA = SpqrRatchet.InitialState(_authKey, SpqrDirection.AToB, selfSession: false);
        _initialB = SpqrRatchet.InitialState(_authKey, SpqrDirection.BToA, selfSession: false);
        EpochsInScript = RunScript(ScriptMessages);
        MessagesToFirstEpoch = MessagesUntilEpoch(1);
        Console.WriteLine($"// SPQR script: {ScriptMessages} messages in turns of {Turn}, {EpochsInScript} epochs completed; the first epoch takes {MessagesToFirstEpoch} messages");

        (_withAlice, _withBob) = SessionParty.EstablishedPairAsync().GetAwaiter().GetResult();
        (_withoutAlice, _withoutBob) = SessionParty.EstablishedPairAsync().GetAwaiter().GetResult();
        RemoveSpqr(_withoutAlice, _withoutBob);
        RemoveSpqr(_withoutBob, _withoutAlice);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (SessionParty party in new[] { _withAlice, _withBob, _withoutAlice, _withoutBob })
        {
            party?.Dispose();
        }
    }

    [Benchmark(Description = "SPQR alone: send + receive, per message (scripted turns)", OperationsPerInvoke = ScriptMessages)]
    public ulong SpqrPerMessage() => RunScript(ScriptMessages);

    /// <summary>One whole epoch from fresh states: every message until both sides hold the first epoch's secret.</summary>
    [Benchmark(Description = "SPQR alone: one epoch (all its messages, in turns)")]
    public ulong SpqrFirstEpoch() => RunScript(MessagesToFirstEpoch);

    [Benchmark(Description = "encrypt + decrypt 160 B, same chain, with SPQR", Baseline = true)]
    public async Task<byte[]> WithSpqr()
    {
        WireMessage message = await _withAlice.EncryptAsync(_withBob, Plaintext160);
        return await _withBob.DecryptAsync(_withAlice, message);
    }

    [Benchmark(Description = "encrypt + decrypt 160 B, same chain, Double Ratchet only")]
    public async Task<byte[]> WithoutSpqr()
    {
        WireMessage message = await _withoutAlice.EncryptAsync(_withoutBob, Plaintext160);
        return await _withoutBob.DecryptAsync(_withoutAlice, message);
    }

    private int MessagesUntilEpoch(ulong epoch)
    {
        for (int messages = 1; messages < 100 * Turn; messages++)
        {
            if (RunScript(messages) >= epoch)
            {
                return messages;
            }
        }

        throw new InvalidOperationException("SPQR never reached the epoch.");
    }

    /// <summary>Runs the first <paramref name="messages"/> messages of the script from fresh states; returns the epoch both sides reached.</summary>
    private ulong RunScript(int messages)
    {
        ByteString a = _initialA;
        ByteString b = _initialB;
        Span<byte> key = stackalloc byte[SpqrRatchet.KeyLength];
        Span<byte> received = stackalloc byte[SpqrRatchet.KeyLength];
        IRandomSource random = SystemRandomSource.Instance;
        for (int i = 0; i < messages; i++)
        {
            bool fromA = (i / Turn) % 2 == 0;
            ref ByteString sender = ref fromA ? ref a : ref b;
            ref ByteString receiver = ref fromA ? ref b : ref a;
            sender = SpqrRatchet.Send(sender, random, key, out int keyLength, out ByteString message);
            receiver = SpqrRatchet.Receive(receiver, message, received, out int receivedLength);
            if (keyLength != receivedLength || !key[..keyLength].SequenceEqual(received[..receivedLength]))
            {
                throw new InvalidOperationException($"SPQR keys differ at message {i}.");
            }
        }

        return Math.Min(SpqrState.Parser.ParseFrom(a).Chain?.CurrentEpoch ?? 0, SpqrState.Parser.ParseFrom(b).Chain?.CurrentEpoch ?? 0);
    }

    private static void RemoveSpqr(SessionParty party, SessionParty with)
    {
        SessionRecord record = party.Sessions.LoadSessionAsync(with.Address).AsTask().GetAwaiter().GetResult()!;
        record.Current!.PqRatchetState = ByteString.Empty;
        party.Sessions.StoreSessionAsync(with.Address, record).AsTask().GetAwaiter().GetResult();
    }
}
