using E2EMessaging.Protocol;
using E2EMessaging.Protocol.Groups;
using E2EMessaging.Protocol.Messages;
using E2EMessaging.Protocol.Storage;

namespace E2EMessaging.Benchmarks.CompareLibsignal;

/// <summary>
/// What <see cref="Harness"/> times, shaped like libsignal-bench.mjs's workloads: <see cref="PrepareAsync"/> is
/// untimed, <see cref="RunAsync"/> is the timed operation, <see cref="Check"/> (untimed) checks the plaintext came back.
/// </summary>
internal abstract class TimedWorkload<TInput>
{
    /// <summary>The plaintext libsignal-bench.mjs sends too: bytes 0, 1, 2, ... (mod 256).</summary>
    protected static byte[] PlaintextOf(int size) => [.. Enumerable.Range(0, size).Select(i => (byte)i)];

    public abstract ValueTask<TInput> PrepareAsync();

    public abstract ValueTask<byte[]> RunAsync(TInput input);

    public abstract void Check(byte[] plaintext);
}

/// <summary>A 1:1 session workload between two <see cref="SessionParty"/> clients, 160-byte plaintexts.</summary>
internal abstract class Workload<TInput> : TimedWorkload<TInput>
{
    protected static readonly byte[] Plaintext160 = PlaintextOf(160);

    public abstract SessionParty Alice { get; }

    public abstract SessionParty Bob { get; }

    /// <summary>The last message sent, for the summary and the floor's MAC input length (set inside the clock: one assignment).</summary>
    public WireMessage LastMessage { get; protected set; }

    public override void Check(byte[] plaintext) => SessionParty.Check(plaintext, Plaintext160, GetType().Name);

    /// <summary>The bytes the receiver's MAC check hashes: both identity keys (33 each) and the SignalMessage without its 8-byte MAC.</summary>
    public int MacInputLength()
    {
        int signalMessageLength = LastMessage.Type == CiphertextMessageType.PreKey
            ? PreKeySignalMessage.Deserialize(LastMessage.Serialized).Message.Serialize().Length
            : LastMessage.Serialized.Length;
        return (2 * 33) + signalMessageLength - 8;
    }
}

/// <summary>
/// <c>session-setup</c>: alice parses bob's bundle bytes and processes the bundle, encrypts her first message (a
/// PreKey message) and bob decrypts it. Untimed before each: both session stores emptied, bob mints a fresh
/// one-time prekey.
/// </summary>
internal sealed class SessionSetupWorkload(SessionParty alice, SessionParty bob) : Workload<BundleBytes>
{
    public override SessionParty Alice => alice;

    public override SessionParty Bob => bob;

    public static async Task<SessionSetupWorkload> CreateAsync() =>
        new(await SessionParty.CreateAsync("alice", 1111), await SessionParty.CreateAsync("bob", 2222));

    public override async ValueTask<BundleBytes> PrepareAsync()
    {
        alice.Sessions.Clear();
        bob.Sessions.Clear();
        return await bob.FreshBundleAsync();
    }

    public override async ValueTask<byte[]> RunAsync(BundleBytes input)
    {
        await alice.Cipher.ProcessPreKeyBundleAsync(bob.Address, SessionParty.BundleFromBytes(input));
        WireMessage message = await alice.EncryptAsync(bob, Plaintext160);
        LastMessage = message;
        return await bob.DecryptAsync(alice, message);
    }
}

/// <summary><c>encrypt-decrypt-160</c>: alice → bob on an answered session, always the same direction (no DH step).</summary>
internal sealed class ChainWorkload(SessionParty alice, SessionParty bob) : Workload<int>
{
    public override SessionParty Alice => alice;

    public override SessionParty Bob => bob;

    public static async Task<ChainWorkload> CreateAsync()
    {
        (SessionParty alice, SessionParty bob) = await SessionParty.EstablishedPairAsync();
        return new ChainWorkload(alice, bob);
    }

    public override ValueTask<int> PrepareAsync() => ValueTask.FromResult(0);

    public override async ValueTask<byte[]> RunAsync(int input)
    {
        WireMessage message = await alice.EncryptAsync(bob, Plaintext160);
        LastMessage = message;
        return await bob.DecryptAsync(alice, message);
    }
}

/// <summary><c>ping-pong</c>: directions alternate, so every message starts a new chain; one operation is one turn (one encrypt + one decrypt).</summary>
internal sealed class PingPongWorkload(SessionParty alice, SessionParty bob) : Workload<(SessionParty From, SessionParty To)>
{
    private int _turn;

    public override SessionParty Alice => alice;

    public override SessionParty Bob => bob;

    public static async Task<PingPongWorkload> CreateAsync()
    {
        (SessionParty alice, SessionParty bob) = await SessionParty.EstablishedPairAsync();
        return new PingPongWorkload(alice, bob);
    }

    public override ValueTask<(SessionParty From, SessionParty To)> PrepareAsync() =>
        ValueTask.FromResult((_turn++ & 1) == 0 ? (alice, bob) : (bob, alice));

    public override async ValueTask<byte[]> RunAsync((SessionParty From, SessionParty To) input)
    {
        WireMessage message = await input.From.EncryptAsync(input.To, Plaintext160);
        LastMessage = message;
        return await input.To.DecryptAsync(input.From, message);
    }
}

/// <summary>
/// <c>group-160</c> and <c>group-4096</c>: alice encrypts a group message with her sender key and serializes it, bob
/// parses it and decrypts it, on a sender key established once (alice's distribution message, serialized and parsed,
/// processed by bob before the warm-up). The chain advances normally: every operation is the next iteration, as in
/// a conversation, so bob never skips a key. Both sides keep their sender-key records serialized
/// (<see cref="InMemorySenderKeyStore"/>): each encrypt and each decrypt loads and stores record bytes.
/// </summary>
internal sealed class GroupWorkload : TimedWorkload<int>
{
    /// <summary>The distribution id libsignal-bench.mjs uses too.</summary>
    public static readonly Guid DistributionId = Guid.Parse("d1d1d1d1-7000-11eb-b32a-33b8a8a487a6");

    private readonly ProtocolAddress _alice = new("alice", 1);
    private readonly InMemorySenderKeyStore _aliceStore = new();
    private readonly InMemorySenderKeyStore _bobStore = new();
    private readonly GroupCipher _aliceCipher;
    private readonly GroupCipher _bobCipher;
    private readonly byte[] _plaintext;

    private GroupWorkload(int size)
    {
        _plaintext = PlaintextOf(size);
        _aliceCipher = new GroupCipher(_aliceStore);
        _bobCipher = new GroupCipher(_bobStore);
    }

    /// <summary>The last serialized group message (set inside the clock: one assignment).</summary>
    public byte[] LastMessage { get; private set; } = [];

    /// <summary>The bytes the last message's XEdDSA signature covers: all of it but the 64-byte signature.</summary>
    public int SignedLength => LastMessage.Length - 64;

    public static async Task<GroupWorkload> CreateAsync(int size)
    {
        var workload = new GroupWorkload(size);
        SenderKeyDistributionMessage distribution = await workload._aliceCipher.CreateDistributionMessageAsync(workload._alice, DistributionId);
        await workload._bobCipher.ProcessDistributionMessageAsync(workload._alice, SenderKeyDistributionMessage.Deserialize(distribution.Serialize()));
        return workload;
    }

    /// <summary>The signed length of a <paramref name="size"/>-byte group message, from one message on a fresh sender key (for floors whose workload was not run).</summary>
    public static async Task<int> SignedLengthAsync(int size)
    {
        GroupWorkload workload = await CreateAsync(size);
        workload.Check(await workload.RunAsync(0));
        return workload.SignedLength;
    }

    public override ValueTask<int> PrepareAsync() => ValueTask.FromResult(0);

    public override async ValueTask<byte[]> RunAsync(int input)
    {
        SenderKeyMessage message = await _aliceCipher.EncryptAsync(_alice, DistributionId, _plaintext);
        byte[] serialized = message.Serialize();
        LastMessage = serialized;
        return await _bobCipher.DecryptAsync(_alice, SenderKeyMessage.Deserialize(serialized));
    }

    public override void Check(byte[] plaintext) => SessionParty.Check(plaintext, _plaintext, $"group-{_plaintext.Length}");

    /// <summary>The serialized sizes of alice's and bob's sender-key records (untimed).</summary>
    public async Task<(int Sender, int Receiver)> RecordSizesAsync()
    {
        SenderKeyRecord? sender = await _aliceStore.LoadSenderKeyAsync(_alice, DistributionId);
        SenderKeyRecord? receiver = await _bobStore.LoadSenderKeyAsync(_alice, DistributionId);
        return (sender?.Serialize().Length ?? 0, receiver?.Serialize().Length ?? 0);
    }
}
