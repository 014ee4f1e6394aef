using E2EMessaging.Protocol.Messages;

namespace E2EMessaging.Benchmarks.CompareLibsignal;

/// <summary>
/// One workload of the comparison, shaped like libsignal-bench.mjs's: <see cref="PrepareAsync"/> is untimed,
/// <see cref="RunAsync"/> is the timed operation, <see cref="Check"/> (untimed) checks the plaintext came back.
/// </summary>
internal abstract class Workload<TInput>
{
    protected static readonly byte[] Plaintext160 = [.. Enumerable.Range(0, 160).Select(i => (byte)i)];

    public abstract SessionParty Alice { get; }

    public abstract SessionParty Bob { get; }

    /// <summary>The last message sent, for the summary and the floor's MAC input length (set inside the clock: one assignment).</summary>
    public WireMessage LastMessage { get; protected set; }

    public abstract ValueTask<TInput> PrepareAsync();

    public abstract ValueTask<byte[]> RunAsync(TInput input);

    public void Check(byte[] plaintext) => SessionParty.Check(plaintext, Plaintext160, GetType().Name);

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
