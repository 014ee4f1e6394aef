using E2EMessaging.Protocol.Proto.Spqr;
using E2EMessaging.Protocol.Spqr;
using Google.Protobuf;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Spqr;

/// <summary>
/// Tampering with what the braid authenticates — the header and its MAC, the encapsulation key, ct1, ct2 and its
/// MAC — or starting from different authentication keys is detected with InvalidMessage, and the braid the
/// failing message was given to is left as it was.
/// </summary>
public sealed class BraidAuthenticationTests
{
    [Theory]
    [InlineData((byte)BraidPayloadKind.Header, 0, 5)]   // header bytes (chunk 0 is header bytes 0..31)
    [InlineData((byte)BraidPayloadKind.Header, 2, 7)]   // the header MAC (chunk 2 is bytes 64..95)
    [InlineData((byte)BraidPayloadKind.EncapsulationKey, 3, 0)]
    [InlineData((byte)BraidPayloadKind.EncapsulationKeyCt1Ack, 35, 31)]
    [InlineData((byte)BraidPayloadKind.Ciphertext1, 4, 9)]
    [InlineData((byte)BraidPayloadKind.Ciphertext2, 0, 1)]
    [InlineData((byte)BraidPayloadKind.Ciphertext2, 4, 30)] // the ciphertext MAC (ct2 message bytes 128..159)
    public void Tampered_chunk_is_detected(byte kindByte, ushort chunkIndex, int bytePosition)
    {
        var kind = (BraidPayloadKind)kindByte;
        Braid a = Braid.InitA(BraidSimulation.AuthKey);
        Braid b = Braid.InitB(BraidSimulation.AuthKey);
        var random = new FixedRandom(kind.GetHashCode() + chunkIndex);
        bool tampered = false;
        for (int round = 0; round < 300; round++)
        {
            foreach (bool fromA in new[] { true, false })
            {
                Braid sender = fromA ? a : b;
                Braid receiver = fromA ? b : a;
                BraidSendResult sent = sender.Send(random);
                BraidMessage message = sent.Message;
                if (!tampered && message.Kind == kind && message.Chunk.Index == chunkIndex)
                {
                    byte[] wire = message.Serialize(0);
                    wire[^(32 - bytePosition)] ^= 0x40;
                    message = BraidMessage.Deserialize(wire, out _);
                    tampered = true;
                }

                BraidReceiveResult received;
                byte[] before = receiver.ToProto().ToByteArray();
                try
                {
                    received = receiver.Receive(message);
                }
                catch (ProtocolException e)
                {
                    Assert.True(tampered);
                    Assert.Equal(ProtocolErrorKind.InvalidMessage, e.Kind);
                    Assert.Equal(before, receiver.ToProto().ToByteArray());
                    return;
                }

                if (fromA)
                {
                    a = sent.Next;
                    b = received.Next;
                }
                else
                {
                    b = sent.Next;
                    a = received.Next;
                }
            }
        }

        Assert.Fail(tampered ? "the tampered chunk was accepted" : "the chunk was never sent");
    }

    [Fact]
    public void Different_authentication_keys_fail_on_the_header()
    {
        Braid a = Braid.InitA(BraidSimulation.AuthKey);
        Braid b = Braid.InitB(new byte[32]);
        var random = new FixedRandom(3);
        for (int i = 0; i < 2; i++)
        {
            BraidSendResult sent = a.Send(random);
            a = sent.Next;
            b = b.Receive(sent.Message).Next;
        }

        BraidSendResult third = a.Send(random);
        byte[] before = b.ToProto().ToByteArray();
        ProtocolException e = Assert.Throws<ProtocolException>(() => b.Receive(third.Message));
        Assert.Equal(ProtocolErrorKind.InvalidMessage, e.Kind);
        Assert.Equal(before, b.ToProto().ToByteArray());
    }

    [Fact]
    public void Message_from_an_epoch_not_reached_is_refused()
    {
        Braid b = Braid.InitB(BraidSimulation.AuthKey);
        Assert.Equal(ProtocolErrorKind.InvalidMessage, Assert.Throws<ProtocolException>(() => b.Receive(BraidMessage.Create(2, BraidPayloadKind.None))).Kind);
        Braid a = Braid.InitA(BraidSimulation.AuthKey);
        Assert.Equal(ProtocolErrorKind.InvalidMessage, Assert.Throws<ProtocolException>(() => a.Receive(BraidMessage.Create(5, BraidPayloadKind.Ct1Ack))).Kind);
    }

    [Fact]
    public void Secrets_and_keys_never_print_themselves()
    {
        var simulation = new BraidSimulation(seed: 4, roundTripStates: false);
        simulation.Heal(epochs: 1);
        byte[] secret = simulation.A.Secrets[1];
        string hex = Convert.ToHexString(secret);
        Braid braid = simulation.A.Braid;

        BraidEpochSecret epochSecret = BraidEpochSecret.Derive(1, secret);
        foreach (string text in new[] { epochSecret.ToString(), braid.ToString(), Authenticator.Create(secret).ToString(), new BraidSendResult(BraidMessage.Create(1, BraidPayloadKind.None), epochSecret, braid).ToString() })
        {
            Assert.DoesNotContain(hex, text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Convert.ToHexString(epochSecret.Secret), text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Convert.ToBase64String(secret), text, StringComparison.Ordinal);
        }

        Assert.Equal("BraidEpochSecret(epoch 1)", epochSecret.ToString());
        Assert.Equal(nameof(Authenticator), Authenticator.Create(secret).ToString());
    }

    [Fact]
    public void Authenticator_round_trips_and_macs_depend_on_label_epoch_and_data()
    {
        Authenticator auth = Authenticator.Create(BraidSimulation.AuthKey);
        Authenticator copy = Authenticator.FromProto(AuthenticatorState.Parser.ParseFrom(auth.ToProto().ToByteArray()));
        byte[] data = [1, 2, 3];
        Assert.Equal(auth.MacCiphertext(1, data), copy.MacCiphertext(1, data));
        Assert.NotEqual(auth.MacCiphertext(1, data), auth.MacHeader(1, data));
        Assert.NotEqual(auth.MacCiphertext(1, data), auth.MacCiphertext(2, data));
        Assert.NotEqual(auth.MacCiphertext(1, data), auth.MacCiphertext(1, [1, 2, 4]));
        Assert.NotEqual(auth.MacCiphertext(1, data), auth.Update(1, data).MacCiphertext(1, data));
        Assert.True(auth.VerifyHeader(7, data, auth.MacHeader(7, data)));
        Assert.False(auth.VerifyHeader(7, data, auth.MacHeader(8, data)));
        Assert.False(auth.VerifyHeader(7, data, auth.MacHeader(7, data).AsSpan(1)));
    }
}
