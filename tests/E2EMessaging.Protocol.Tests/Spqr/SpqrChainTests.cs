using E2EMessaging.Protocol.Proto.Spqr;
using E2EMessaging.Protocol.Spqr;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Google.Protobuf;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Spqr;

public sealed class SpqrChainTests
{
    // Known answers: the `chain` field (PqRatchetState field 2) of the two states the SparsePostQuantumRatchet
    // crate v1.5.3 ships as src/issue1275_{a,b}_state.in, written by the crate after 30 lockstep steps of its
    // `lockstep_run_with_logging` test (auth key 32 bytes of 41, default chain parameters): one message A→B, then
    // one B→A, per step. Alex is A→B and still in epoch 0; Blake is B→A and has added epoch 1 (from a braid
    // secret we do not know) but not sent in it yet.
    private const string AlexChainHex =
        "1a4c0a24081e12201815fd1120e70568c9f934a516710eb5a3684be81f46861ebbbeff10950bc3ef1224081e12200f802ebf8df531"
        + "826117ab3a65413f1e5badbac2cc277ea1fae382231194ea0f2220c6f396ad3b038d7bb7eedbabd7c45c83eef0c9c42fca9f44d6f0"
        + "56e4b68be30c3200";

    private const string BlakeChainHex =
        "080110011a4c0a24081e12200f802ebf8df531826117ab3a65413f1e5badbac2cc277ea1fae382231194ea0f1224081e12201815fd"
        + "1120e70568c9f934a516710eb5a3684be81f46861ebbbeff10950bc3ef1a480a221220a63e770d7a5bae2552169adf0d5a653d96ed"
        + "4a3582fe049d7a3af5e8b11eb184122212206950749a7953c1dcf5dd07236cee5c5ea2305d106c725cf05bfd520d98da46882220"
        + "2a7defaea1285401dddacc1eaf04dce4ecfbd2503831a7f540afe0977e2e96733200";

    private static readonly ChainParameters Defaults = new();

    private static ChainParameters Small(uint maxJump, uint maxOoo) => new() { MaxJump = maxJump, MaxOooKeys = maxOoo };

    private static (SpqrChain A, SpqrChain B) Pair(ChainParameters? parameters = null, byte[]? authKey = null)
    {
        authKey ??= "1"u8.ToArray();
        return (SpqrChain.Create(authKey, SpqrDirection.AToB, parameters ?? Defaults), SpqrChain.Create(authKey, SpqrDirection.BToA, parameters ?? Defaults));
    }

    private static byte[] Bytes(SpqrChain chain) => chain.ToProto().ToByteArray();

    /// <summary>Serializes and reloads; the reloaded chain must serialize to the same bytes.</summary>
    private static SpqrChain RoundTrip(SpqrChain chain)
    {
        byte[] bytes = Bytes(chain);
        SpqrChain reloaded = SpqrChain.FromProto(ChainState.Parser.ParseFrom(bytes));
        Assert.Equal(bytes, Bytes(reloaded));
        chain.Dispose();
        return reloaded;
    }

    private static ProtocolErrorKind KindOf(Action action) => Assert.Throws<ProtocolException>(action).Kind;

    [Fact]
    public void Crate_lockstep_state_after_30_steps_is_reproduced_byte_for_byte()
    {
        SpqrChain alex = SpqrChain.Create(Enumerable.Repeat((byte)41, 32).ToArray(), SpqrDirection.AToB, Defaults);
        SpqrChain blake = SpqrChain.Create(Enumerable.Repeat((byte)41, 32).ToArray(), SpqrDirection.BToA, Defaults);
        for (uint i = 1; i <= 30; i++)
        {
            (uint index, byte[] key) = alex.SendKey(0);
            Assert.Equal(i, index);
            Assert.Equal(key, blake.ReceiveKey(0, index));
            (index, key) = blake.SendKey(0);
            Assert.Equal(i, index);
            Assert.Equal(key, alex.ReceiveKey(0, index));
        }

        Assert.Equal(Convert.FromHexString(AlexChainHex), Bytes(alex));
    }

    [Fact]
    public void Crate_states_round_trip_byte_for_byte_and_still_agree()
    {
        SpqrChain alex = RoundTrip(SpqrChain.FromProto(ChainState.Parser.ParseFrom(Convert.FromHexString(AlexChainHex))));
        SpqrChain blake = RoundTrip(SpqrChain.FromProto(ChainState.Parser.ParseFrom(Convert.FromHexString(BlakeChainHex))));
        Assert.Equal(Convert.FromHexString(AlexChainHex), Bytes(alex));
        Assert.Equal(Convert.FromHexString(BlakeChainHex), Bytes(blake));
        Assert.Equal(1ul, blake.CurrentEpoch);

        (uint index, byte[] key) = alex.SendKey(0);
        Assert.Equal(31u, index);
        Assert.Equal(key, blake.ReceiveKey(0, 31));
        (index, key) = blake.SendKey(0);
        Assert.Equal(31u, index);
        Assert.Equal(key, alex.ReceiveKey(0, 31));
    }

    [Fact]
    public void Crate_test_directions_match()
    {
        (SpqrChain a2b, SpqrChain b2a) = Pair();
        (uint index, byte[] key) = a2b.SendKey(0);
        Assert.Equal(1u, index);
        Assert.Equal(key, b2a.ReceiveKey(0, 1));

        a2b.AddEpoch(1, [2]);
        b2a.AddEpoch(1, [2]);
        (index, key) = a2b.SendKey(1);
        Assert.Equal(1u, index);
        Assert.Equal(key, b2a.ReceiveKey(1, 1));
        for (int i = 2; i < 10; i++)
        {
            a2b.SendKey(1);
        }

        (index, key) = a2b.SendKey(1);
        Assert.Equal(10u, index);
        Assert.Equal(key, b2a.ReceiveKey(1, 10));
    }

    [Fact]
    public void Both_directions_agree_over_epochs_with_a_round_trip_after_every_step()
    {
        (SpqrChain a, SpqrChain b) = Pair(Small(50, 20), new byte[32]);
        var seen = new HashSet<string>();
        for (ulong epoch = 0; epoch < 6; epoch++)
        {
            if (epoch > 0)
            {
                byte[] secret = [(byte)epoch, 7, 7];
                a.AddEpoch(epoch, secret);
                a = RoundTrip(a);
                b.AddEpoch(epoch, secret);
                b = RoundTrip(b);
            }

            for (int i = 0; i < 5; i++)
            {
                (uint index, byte[] key) = a.SendKey(epoch);
                a = RoundTrip(a);
                Assert.Equal(key, b.ReceiveKey(epoch, index));
                b = RoundTrip(b);
                Assert.True(seen.Add(Convert.ToHexString(key)));

                (index, key) = b.SendKey(epoch);
                b = RoundTrip(b);
                Assert.Equal(key, a.ReceiveKey(epoch, index));
                a = RoundTrip(a);
                Assert.True(seen.Add(Convert.ToHexString(key)));
            }
        }

        // Sending in epoch 5 keeps epoch 4 and drops the rest.
        Assert.Equal(2, a.ToProto().Links.Count);
        Assert.Equal(ProtocolErrorKind.InvalidMessage, KindOf(() => a.ReceiveKey(3, 1)));
        Assert.Equal(ProtocolErrorKind.DuplicateMessage, KindOf(() => a.ReceiveKey(4, 1)));
    }

    [Fact]
    public void Crate_test_previously_returned_key()
    {
        (SpqrChain a2b, _) = Pair();
        a2b.ReceiveKey(0, 2);
        Assert.Equal(ProtocolErrorKind.DuplicateMessage, KindOf(() => a2b.ReceiveKey(0, 2)));
    }

    [Fact]
    public void Index_zero_never_has_a_key()
    {
        (SpqrChain a, _) = Pair();
        Assert.Equal(ProtocolErrorKind.DuplicateMessage, KindOf(() => a.ReceiveKey(0, 0)));
        a.ReceiveKey(0, 3);
        Assert.Equal(ProtocolErrorKind.DuplicateMessage, KindOf(() => a.ReceiveKey(0, 0)));
    }

    [Fact]
    public void Crate_test_very_old_keys_are_trimmed()
    {
        (SpqrChain a2b, _) = Pair(Small(10, 10));
        a2b.ReceiveKey(0, 10);
        a2b.ReceiveKey(0, 12);
        Assert.Equal(ProtocolErrorKind.DuplicateMessage, KindOf(() => a2b.ReceiveKey(0, 1)));
    }

    [Fact]
    public void Crate_test_out_of_order_keys_within_the_default_window()
    {
        (SpqrChain a, SpqrChain b) = Pair();
        var sent = new List<(uint Index, byte[] Key)>();
        for (int i = 0; i < 2000; i++)
        {
            sent.Add(a.SendKey(0));
        }

        var rng = new Random(1275);
        foreach ((uint index, byte[] key) in sent.OrderBy(_ => rng.Next()))
        {
            Assert.Equal(key, b.ReceiveKey(0, index));
        }
    }

    [Fact]
    public void Out_of_order_window_edge()
    {
        // max_ooo_keys = 5: with the counter at 20, index 15 (20 - 5) is kept and index 14 is not.
        (SpqrChain a, SpqrChain b) = Pair(Small(100, 5));
        var keys = new Dictionary<uint, byte[]>();
        for (int i = 0; i < 20; i++)
        {
            (uint index, byte[] key) = a.SendKey(0);
            keys[index] = key;
        }

        Assert.Equal(keys[20], b.ReceiveKey(0, 20));
        Assert.Equal(ProtocolErrorKind.DuplicateMessage, KindOf(() => b.ReceiveKey(0, 14)));
        Assert.Equal(keys[15], b.ReceiveKey(0, 15));
        Assert.Equal(keys[19], b.ReceiveKey(0, 19));
        Assert.Equal(ProtocolErrorKind.DuplicateMessage, KindOf(() => b.ReceiveKey(0, 19)));
    }

    [Theory]
    [InlineData(0u, 25_000u)]
    [InlineData(25_000u, 25_000u)]
    [InlineData(7u, 7u)]
    public void Jump_limit_accepts_exactly_max_jump_and_refuses_one_more(uint configured, uint effective)
    {
        (SpqrChain a, SpqrChain b) = Pair(Small(configured, 0));
        Assert.Equal(ProtocolErrorKind.MessageTooFarAhead, KindOf(() => b.ReceiveKey(0, effective + 1)));
        b.ReceiveKey(0, 1);
        Assert.Equal(ProtocolErrorKind.MessageTooFarAhead, KindOf(() => b.ReceiveKey(0, effective + 2)));
        byte[] far = b.ReceiveKey(0, effective + 1);

        for (uint i = 0; i < effective; i++)
        {
            a.SendKey(0);
        }

        Assert.Equal(a.SendKey(0).Key, far);
    }

    [Fact]
    public void Self_session_jump_of_u32_max_is_stored_as_given()
    {
        SpqrChain chain = SpqrChain.Create([1], SpqrDirection.AToB, Small(uint.MaxValue, 2000));
        ChainState state = chain.ToProto();
        Assert.Equal(uint.MaxValue, state.Params.MaxJump);
        Assert.Equal(0u, state.Params.MaxOooKeys); // the default is stored as 0, as the crate does
    }

    [Fact]
    public void Default_parameters_are_stored_as_zero_and_present()
    {
        ChainState state = SpqrChain.Create([1], SpqrDirection.BToA, Small(25_000, 2_000)).ToProto();
        Assert.NotNull(state.Params);
        Assert.Equal(0u, state.Params.MaxJump);
        Assert.Equal(0u, state.Params.MaxOooKeys);
        Assert.Equal(SpqrChain.Create([1], SpqrDirection.BToA, Defaults).ToProto().ToByteArray(), state.ToByteArray());
    }

    [Fact]
    public void Crate_test_clear_old_send_keys()
    {
        (SpqrChain a2b, _) = Pair();
        a2b.SendKey(0);
        a2b.SendKey(0);
        a2b.AddEpoch(1, [2]);
        a2b.SendKey(1);
        Assert.Equal(ProtocolErrorKind.InvalidMessage, KindOf(() => a2b.SendKey(0)));
        Assert.True(a2b.ToProto().Links[0].Send.Next.IsEmpty);
    }

    [Fact]
    public void Epochs_must_be_added_in_sequence_and_exist()
    {
        (SpqrChain a, _) = Pair();
        Assert.Equal(ProtocolErrorKind.InvalidMessage, KindOf(() => a.AddEpoch(0, [1])));
        Assert.Equal(ProtocolErrorKind.InvalidMessage, KindOf(() => a.AddEpoch(2, [1])));
        Assert.Equal(ProtocolErrorKind.InvalidMessage, KindOf(() => a.SendKey(1)));
        Assert.Equal(ProtocolErrorKind.InvalidMessage, KindOf(() => a.ReceiveKey(1, 1)));
        a.AddEpoch(1, [1]);
        Assert.Equal(1ul, a.CurrentEpoch);
        Assert.Equal(ProtocolErrorKind.InvalidMessage, KindOf(() => a.AddEpoch(1, [1])));
        a.ReceiveKey(1, 1);
        a.ReceiveKey(0, 1);
    }

    [Fact]
    public void Refusals_leave_the_chain_unchanged()
    {
        (SpqrChain a, _) = Pair(Small(10, 3));
        a.ReceiveKey(0, 8);
        a.SendKey(0);
        byte[] before = Bytes(a);
        Assert.Throws<ProtocolException>(() => a.ReceiveKey(0, 19));
        Assert.Throws<ProtocolException>(() => a.ReceiveKey(0, 8));
        Assert.Throws<ProtocolException>(() => a.ReceiveKey(0, 2));
        Assert.Throws<ProtocolException>(() => a.ReceiveKey(1, 1));
        Assert.Throws<ProtocolException>(() => a.SendKey(2));
        Assert.Throws<ProtocolException>(() => a.AddEpoch(3, [1]));
        Assert.Equal(before, Bytes(a));
    }

    [Fact]
    public void Clone_is_deep()
    {
        (SpqrChain a, SpqrChain b) = Pair();
        (uint index, byte[] key) = a.SendKey(0);
        SpqrChain copy = b.Clone();
        Assert.Equal(key, copy.ReceiveKey(0, index));
        copy.Dispose();
        Assert.Equal(key, b.ReceiveKey(0, index)); // the original still has it, and its keys were not wiped
        Assert.NotEqual(Bytes(b), Bytes(b.Clone().Also(c => c.ReceiveKey(0, 5))));
    }

    [Fact]
    public void Misuse_is_an_argument_or_disposed_error()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SpqrChain.Create([1], (SpqrDirection)2, Defaults));
        Assert.Throws<ArgumentOutOfRangeException>(() => SpqrChain.Create([1], SpqrDirection.AToB, Small(0, Limits.SpqrMaxOutOfOrderKeysAccepted + 1)));
        Assert.Throws<ArgumentNullException>(() => SpqrChain.Create([1], SpqrDirection.AToB, null!));
        Assert.Throws<ArgumentNullException>(() => SpqrChain.FromProto(null!));

        (SpqrChain a, _) = Pair();
        a.Dispose();
        a.Dispose();
        Assert.Throws<ObjectDisposedException>(() => a.SendKey(0));
        Assert.Throws<ObjectDisposedException>(() => a.ReceiveKey(0, 1));
        Assert.Throws<ObjectDisposedException>(() => a.ToProto());
        Assert.Throws<ObjectDisposedException>(() => a.Clone());
    }

    [Fact]
    public void Nothing_secret_is_printed()
    {
        (SpqrChain a, _) = Pair();
        Assert.Equal(typeof(SpqrChain).FullName, a.ToString());
        Assert.Contains("already used", Assert.Throws<ProtocolException>(() => a.ReceiveKey(0, 0)).Message);
    }

    [Fact]
    public void Trimming_keeps_the_kept_keys_bounded()
    {
        // max_ooo_keys 10 => trimming at 12 kept keys; a long run of gaps never keeps more than that.
        (SpqrChain a, _) = Pair(Small(40, 10));
        for (uint i = 3; i < 3000; i += 3)
        {
            a.ReceiveKey(0, i);
            foreach (ChainState.Types.Epoch link in a.ToProto().Links)
            {
                Assert.True(link.Recv.Prev.Length <= 12 * SpqrKeptKeys.EntryLength);
            }
        }

        a = RoundTrip(a);
    }

    // ---- hostile stored states ----

    private static ChainState ValidState()
    {
        (SpqrChain a, _) = Pair(Small(100, 10));
        a.ReceiveKey(0, 5);
        a.ReceiveKey(0, 9);
        a.SendKey(0);
        a.AddEpoch(1, [9]);
        a.ReceiveKey(1, 3);
        a.SendKey(1);
        a.AddEpoch(2, [8]);
        return a.ToProto();
    }

    public static TheoryData<string> HostileMutations => new()
    {
        "prev truncated", "prev one byte long", "prev oversized", "prev index zero", "prev index at counter",
        "prev index repeated", "recv next short", "recv next empty", "send next short", "next root short",
        "next root empty", "direction unknown", "params missing", "params huge ooo", "send missing",
        "recv missing", "no links", "more links than epochs", "send epoch ahead",
    };

    private static ChainState Mutate(string mutation)
    {
        ChainState state = ValidState();
        ChainState.Types.Epoch.Types.Direction recv = state.Links[0].Recv;
        byte[] prev = recv.Prev.ToByteArray();
        Assert.True(prev.Length >= 2 * SpqrKeptKeys.EntryLength, "the valid state should keep some keys");
        switch (mutation)
        {
            case "prev truncated": recv.Prev = ByteString.CopyFrom(prev, 0, prev.Length - 1); break;
            case "prev one byte long": recv.Prev = ByteString.CopyFrom(prev.Concat(new byte[] { 0 }).ToArray()); break;
            case "prev oversized":
                recv.Counter = 10_000;
                recv.Prev = ByteString.CopyFrom(Enumerable.Range(1, 13).SelectMany(i => Entry((uint)(9000 + i))).ToArray());
                break;
            case "prev index zero": recv.Prev = ByteString.CopyFrom(Entry(0)); break;
            case "prev index at counter": recv.Prev = ByteString.CopyFrom(Entry(recv.Counter)); break;
            case "prev index repeated": recv.Prev = ByteString.CopyFrom(Entry(2).Concat(Entry(2)).ToArray()); break;
            case "recv next short": recv.Next = ByteString.CopyFrom(new byte[31]); break;
            case "recv next empty": recv.Next = ByteString.Empty; break;
            case "send next short": state.Links[1].Send.Next = ByteString.CopyFrom(new byte[33]); break;
            case "next root short": state.NextRoot = ByteString.CopyFrom(new byte[31]); break;
            case "next root empty": state.NextRoot = ByteString.Empty; break;
            case "direction unknown": state.Direction = (SpqrDirection)7; break;
            case "params missing": state.Params = null; break;
            case "params huge ooo": state.Params.MaxOooKeys = uint.MaxValue; break;
            case "send missing": state.Links[1].Send = null; break;
            case "recv missing": state.Links[1].Recv = null; break;
            case "no links": state.Links.Clear(); break;
            case "more links than epochs": state.CurrentEpoch = 1; break;
            case "send epoch ahead": state.SendEpoch = 3; break;
            default: throw new ArgumentException(mutation);
        }

        return state;

        static byte[] Entry(uint index)
        {
            var entry = new byte[SpqrKeptKeys.EntryLength];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(entry, index);
            return entry;
        }
    }

    [Theory]
    [MemberData(nameof(HostileMutations))]
    public void Hostile_states_are_refused(string mutation)
    {
        ChainState state = Mutate(mutation);
        ChainState reparsed = ChainState.Parser.ParseFrom(state.ToByteArray()); // as it would arrive from storage
        Assert.Equal(ProtocolErrorKind.InvalidEncoding, Assert.Throws<ProtocolException>(() => SpqrChain.FromProto(reparsed)).Kind);
    }

    [Fact]
    public void The_valid_base_of_the_hostile_states_loads()
    {
        ChainState state = ValidState();
        Assert.Equal(state.ToByteArray(), SpqrChain.FromProto(state).ToProto().ToByteArray());
    }

    [Fact]
    public void Absurd_counters_give_protocol_errors_when_used()
    {
        ChainState state = ValidState();
        state.Links[2].Send.Counter = uint.MaxValue;
        state.Links[2].Recv.Counter = uint.MaxValue;
        state.Links[1].Recv.Counter = uint.MaxValue - 1;
        SpqrChain chain = SpqrChain.FromProto(state);
        Assert.Equal(ProtocolErrorKind.InvalidMessage, KindOf(() => chain.SendKey(2)));
        Assert.Equal(ProtocolErrorKind.DuplicateMessage, KindOf(() => chain.ReceiveKey(2, uint.MaxValue)));
        Assert.Equal(ProtocolErrorKind.DuplicateMessage, KindOf(() => chain.ReceiveKey(2, 0)));
        Assert.Equal(ProtocolErrorKind.DuplicateMessage, KindOf(() => chain.ReceiveKey(2, uint.MaxValue - 10_000)));
        Assert.NotNull(chain.ReceiveKey(1, uint.MaxValue)); // the very last key still works
        Assert.Equal(ProtocolErrorKind.DuplicateMessage, KindOf(() => chain.ReceiveKey(1, uint.MaxValue)));

        ChainState epochs = ValidState();
        epochs.CurrentEpoch = ulong.MaxValue;
        epochs.SendEpoch = ulong.MaxValue - 1;
        SpqrChain late = SpqrChain.FromProto(epochs);
        Assert.Equal(ProtocolErrorKind.InvalidMessage, KindOf(() => late.AddEpoch(0, [1])));
        Assert.Equal(ProtocolErrorKind.InvalidMessage, KindOf(() => late.SendKey(0)));
        Assert.Equal(ProtocolErrorKind.InvalidMessage, KindOf(() => late.ReceiveKey(0, 1)));
        late.ReceiveKey(ulong.MaxValue, 1);
    }

    [Fact]
    public void Sending_on_a_cleared_chain_is_a_protocol_error()
    {
        ChainState state = ValidState();
        state.Links[2].Send.Next = ByteString.Empty; // the crate accepts an empty sending key when it loads
        SpqrChain chain = SpqrChain.FromProto(state);
        Assert.Equal(ProtocolErrorKind.InvalidMessage, KindOf(() => chain.SendKey(2)));
    }

    [Property(MaxTest = 300)]
    public void Random_mutations_of_a_stored_state_give_only_protocol_errors(int seed)
    {
        var rng = new Random(seed);
        byte[] bytes = ValidState().ToByteArray();
        int edits = 1 + rng.Next(4);
        for (int i = 0; i < edits; i++)
        {
            bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
        }

        ChainState state;
        try
        {
            state = ChainState.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException)
        {
            return; // not ours to decode
        }

        try
        {
            SpqrChain chain = SpqrChain.FromProto(state);
            for (int i = 0; i < 20; i++)
            {
                ulong epoch = (ulong)rng.Next(4);
                switch (rng.Next(3))
                {
                    case 0: Swallow(() => chain.SendKey(epoch)); break;
                    case 1: Swallow(() => chain.ReceiveKey(epoch, (uint)rng.Next(200))); break;
                    default: Swallow(() => chain.AddEpoch(chain.CurrentEpoch + (ulong)rng.Next(2), [1])); break;
                }
            }

            Assert.Equal(chain.ToProto().ToByteArray(), SpqrChain.FromProto(chain.ToProto()).ToProto().ToByteArray());
        }
        catch (ProtocolException)
        {
        }

        static void Swallow(Action action)
        {
            try
            {
                action();
            }
            catch (ProtocolException)
            {
            }
        }
    }

    // ---- random send/receive orders against a model ----

    /// <summary>
    /// A sends <c>perEpoch</c> keys in each of several epochs; B asks for keys in a random order (with repeats, and
    /// with indexes beyond what was sent), reloading itself from its serialized form at random. Every answer must
    /// match the model: a key is available exactly once, if it is at most max_jump ahead of B's counter for that
    /// epoch, or behind it by at most max_ooo_keys.
    /// </summary>
    [Property(MaxTest = 150)]
    public void Random_receive_orders_match_the_model(int seed, byte[] schedule)
    {
        const uint maxJump = 9;
        const uint maxOoo = 4;
        const int perEpoch = 30;
        const int epochs = 3;
        var rng = new Random(seed);
        (SpqrChain a, SpqrChain b) = Pair(Small(maxJump, maxOoo), [(byte)seed]);
        var sent = new Dictionary<(ulong, uint), byte[]>();
        for (ulong epoch = 0; epoch < epochs; epoch++)
        {
            if (epoch > 0)
            {
                a.AddEpoch(epoch, [(byte)epoch]);
                b.AddEpoch(epoch, [(byte)epoch]);
            }

            for (int i = 0; i < perEpoch + maxJump; i++)
            {
                (uint index, byte[] key) = a.SendKey(epoch);
                sent[(epoch, index)] = key;
            }
        }

        var counter = new uint[epochs];
        var used = new HashSet<(ulong, uint)>();
        foreach (byte step in schedule.Length > 0 ? schedule : [0])
        {
            ulong epoch = (ulong)(step % epochs);
            uint index = (uint)((step / epochs) % (perEpoch + 1)) + (uint)rng.Next(2);
            bool expectKey = index > counter[epoch]
                ? index - counter[epoch] <= maxJump
                : index != 0 && index + maxOoo >= counter[epoch] && !used.Contains((epoch, index));
            try
            {
                byte[] key = b.ReceiveKey(epoch, index);
                Assert.True(expectKey, $"epoch {epoch} index {index} counter {counter[epoch]} should have been refused");
                Assert.Equal(sent[(epoch, index)], key);
                used.Add((epoch, index));
                counter[epoch] = Math.Max(counter[epoch], index);
            }
            catch (ProtocolException e)
            {
                Assert.False(expectKey, $"epoch {epoch} index {index} counter {counter[epoch]}: {e.Kind}");
                Assert.Equal(index > counter[epoch] ? ProtocolErrorKind.MessageTooFarAhead : ProtocolErrorKind.DuplicateMessage, e.Kind);
            }

            if (rng.Next(4) == 0)
            {
                b = RoundTrip(b);
            }
        }
    }

    /// <summary>Both parties send and receive in random interleavings across epochs; every delivered key agrees.</summary>
    [Property(MaxTest = 100)]
    public void Random_two_way_conversations_agree(byte[] schedule)
    {
        (SpqrChain a, SpqrChain b) = Pair(Small(25_000, 0), [3, 1, 4]);
        var inFlight = new List<(bool ToB, ulong Epoch, uint Index, byte[] Key)>();
        foreach (byte step in schedule)
        {
            switch (step % 5)
            {
                case 0:
                case 1:
                    {
                        bool fromA = step % 5 == 0;
                        SpqrChain sender = fromA ? a : b;
                        (uint index, byte[] key) = sender.SendKey(sender.CurrentEpoch);
                        inFlight.Add((fromA, sender.CurrentEpoch, index, key));
                        break;
                    }

                case 2:
                    if (inFlight.Count > 0)
                    {
                        int pick = (step / 5) % inFlight.Count;
                        (bool toB, ulong epoch, uint index, byte[] key) = inFlight[pick];
                        inFlight.RemoveAt(pick);
                        SpqrChain receiver = toB ? b : a;
                        try
                        {
                            Assert.Equal(key, receiver.ReceiveKey(epoch, index));
                        }
                        catch (ProtocolException e) when (e.Kind == ProtocolErrorKind.InvalidMessage)
                        {
                            // Its epoch was dropped: the receiver has since sent two epochs later.
                            Assert.True(receiver.SendEpoch >= epoch + 2);
                        }
                    }

                    break;

                case 3:
                    {
                        ulong next = a.CurrentEpoch + 1;
                        byte[] secret = [(byte)next, step];
                        a.AddEpoch(next, secret);
                        b.AddEpoch(next, secret);
                        break;
                    }

                default:
                    a = RoundTrip(a);
                    b = RoundTrip(b);
                    break;
            }
        }
    }
}

internal static class SpqrChainTestExtensions
{
    public static T Also<T>(this T value, Action<T> action)
    {
        action(value);
        return value;
    }
}
