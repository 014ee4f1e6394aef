using E2EMessaging.Protocol.Proto.Spqr;
using E2EMessaging.Protocol.Spqr;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Google.Protobuf;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Spqr;

/// <summary>
/// SPQR's top level (<see cref="SpqrRatchet"/>): initial states, version negotiation, keys agreeing on both sides,
/// and hostile messages and states. Every operation is pure, so "state untouched" means the input bytes still work.
/// </summary>
public sealed class SpqrRatchetTests
{
    private static readonly byte[] AuthKey = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    private static (ByteString A, ByteString B) Fresh() => (
        SpqrRatchet.InitialState(AuthKey, SpqrDirection.AToB, selfSession: false),
        SpqrRatchet.InitialState(AuthKey, SpqrDirection.BToA, selfSession: false));

    /// <summary>Sends one message from <paramref name="sender"/> to <paramref name="receiver"/>; both keys must agree.</summary>
    private static ByteString Exchange(ref ByteString sender, ref ByteString receiver)
    {
        Span<byte> sent = stackalloc byte[SpqrRatchet.KeyLength];
        Span<byte> received = stackalloc byte[SpqrRatchet.KeyLength];
        sender = SpqrRatchet.Send(sender, SystemRandomSource.Instance, sent, out int sentLength, out ByteString message);
        receiver = SpqrRatchet.Receive(receiver, message, received, out int receivedLength);
        Assert.Equal(sentLength, receivedLength);
        Assert.True(sent[..sentLength].SequenceEqual(received[..receivedLength]));
        return message;
    }

    [Fact]
    public void Initial_states_require_version_1_with_libsignal_chain_parameters()
    {
        (ByteString a, ByteString b) = Fresh();
        var stateA = SpqrState.Parser.ParseFrom(a);
        var stateB = SpqrState.Parser.ParseFrom(b);
        Assert.Equal(SpqrState.InnerOneofCase.V1, stateA.InnerCase);
        Assert.Equal(SpqrVersion.V1, stateA.Negotiation.MinVersion);
        Assert.Equal(SpqrDirection.AToB, stateA.Negotiation.Direction);
        Assert.Equal(SpqrDirection.BToA, stateB.Negotiation.Direction);
        Assert.Null(stateA.Chain);

        // Defaults (25,000 and 2,000) are stored as 0, as the SPQR crate stores them; a self session jumps without limit.
        Assert.Equal(0u, stateA.Negotiation.ChainParams.MaxJump);
        Assert.Equal(0u, stateA.Negotiation.ChainParams.MaxOooKeys);
        var self = SpqrState.Parser.ParseFrom(SpqrRatchet.InitialState(AuthKey, SpqrDirection.AToB, selfSession: true));
        Assert.Equal(uint.MaxValue, self.Negotiation.ChainParams.MaxJump);
    }

    [Fact]
    public void Every_message_yields_the_same_key_on_both_sides_and_epochs_advance()
    {
        (ByteString a, ByteString b) = Fresh();
        for (int i = 0; i < 600; i++)
        {
            if ((i / 50) % 2 == 0)
            {
                Exchange(ref a, ref b);
            }
            else
            {
                Exchange(ref b, ref a);
            }
        }

        ulong epoch = SpqrState.Parser.ParseFrom(a).Chain.CurrentEpoch;
        Assert.True(epoch >= 2, $"epoch {epoch}"); // an epoch takes about four turns here: header + key, ct1, acknowledgement, ct2
        Assert.Null(SpqrState.Parser.ParseFrom(a).Negotiation); // receiving ended the negotiation
    }

    [Fact]
    public void A_message_without_spqr_is_refused_by_a_state_that_requires_it_and_changes_nothing()
    {
        (ByteString a, ByteString b) = Fresh();
        Span<byte> key = stackalloc byte[SpqrRatchet.KeyLength];
        var error = Assert.Throws<ProtocolException>(() => SpqrRatchet.Receive(b, ByteString.Empty, new byte[32], out _));
        Assert.Equal(ProtocolErrorKind.InvalidMessage, error.Kind);
        Exchange(ref a, ref b); // b still works
    }

    [Fact]
    public void A_message_of_an_unknown_higher_version_is_ignored_as_libsignal_ignores_it()
    {
        (_, ByteString b) = Fresh();
        ByteString next = SpqrRatchet.Receive(b, ByteString.CopyFrom(2, 1, 1, 0), new byte[32], out int keyLength);
        Assert.Equal(0, keyLength);
        Assert.Equal(b, next);
    }

    [Fact]
    public void Sessions_without_spqr_state_send_nothing_and_accept_nothing()
    {
        ByteString state = SpqrRatchet.Send(ByteString.Empty, SystemRandomSource.Instance, new byte[32], out int keyLength, out ByteString message);
        Assert.True(state.IsEmpty);
        Assert.True(message.IsEmpty);
        Assert.Equal(0, keyLength);
        Assert.True(SpqrRatchet.Receive(ByteString.Empty, ByteString.Empty, new byte[32], out keyLength).IsEmpty);
        Assert.Equal(0, keyLength);
    }

    [Fact]
    public void A_state_that_does_not_decode_is_an_encoding_error()
    {
        var error = Assert.Throws<ProtocolException>(() => SpqrRatchet.Send(ByteString.CopyFrom(0xFF, 0xFF), SystemRandomSource.Instance, new byte[32], out _, out _));
        Assert.Equal(ProtocolErrorKind.InvalidEncoding, error.Kind);
    }

    [Property(MaxTest = 300)]
    public Property Hostile_messages_only_ever_raise_protocol_errors_and_leave_the_state_usable(byte[] garbage, byte firstByte, int messagesBefore)
    {
        (ByteString a, ByteString b) = Fresh();
        int before = Math.Abs(messagesBefore % 80);
        ByteString last = ByteString.Empty;
        for (int i = 0; i < before; i++)
        {
            last = Exchange(ref a, ref b);
        }

        // Either pure garbage with a chosen first byte, or a real message with bytes flipped or cut.
        byte[] hostile = (garbage.Length % 3, last.IsEmpty) switch
        {
            (0, false) => last.ToByteArray()[..Math.Max(0, last.Length - 1 - (garbage.Length % Math.Max(1, last.Length)))],
            (1, false) => Flip(last.ToByteArray(), garbage),
            _ => [firstByte, .. garbage],
        };

        try
        {
            _ = SpqrRatchet.Receive(b, ByteString.CopyFrom(hostile), new byte[32], out _);
        }
        catch (ProtocolException)
        {
        }

        // Whatever happened, b's bytes still run the conversation on.
        Exchange(ref a, ref b);
        Exchange(ref b, ref a);
        return true.ToProperty();
    }

    private static byte[] Flip(byte[] bytes, byte[] noise)
    {
        for (int i = 0; i < noise.Length && bytes.Length > 0; i++)
        {
            bytes[noise[i] % bytes.Length] ^= (byte)(1 << (i % 8));
        }

        return bytes;
    }
}
