using E2EMessaging.Protocol.Messages;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Groups;

/// <summary>
/// For any number of senders and any delivery order or duplication (within the limits), every group message
/// decrypts exactly once, and a mutated copy fails with a typed error and no state change.
/// </summary>
public sealed class GroupPropertyTests
{
    // FsCheck runs properties synchronously; the in-memory stores complete synchronously, so waiting is safe here.
    [Property(MaxTest = 50)]
#pragma warning disable xUnit1031
    public void Every_group_message_decrypts_exactly_once(PositiveInt senderCount, byte[] schedule) =>
        RunAsync(1 + (senderCount.Get % 4), schedule).GetAwaiter().GetResult();
#pragma warning restore xUnit1031

    private static async Task RunAsync(int senders, byte[] schedule)
    {
        int position = 0;
        int Next(int bound) => bound <= 1 || position >= schedule.Length ? 0 : schedule[position++] % bound;

        Guid group = Guid.NewGuid();
        Member receiver = new("receiver");
        Member[] members = Enumerable.Range(0, senders).Select(i => new Member($"sender{i}")).ToArray();
        var sent = new List<(Member Sender, string Text, byte[] Wire)>();
        foreach (Member member in members)
        {
            await member.DistributeAsync(group, receiver);
            int count = 1 + Next(12);
            for (int i = 0; i < count; i++)
            {
                string text = $"{member.Address.Name}:{i}";
                sent.Add((member, text, (await member.SendAsync(group, text)).Serialize()));
            }
        }

        for (int i = sent.Count - 1; i > 0; i--)
        {
            int j = Next(i + 1);
            (sent[i], sent[j]) = (sent[j], sent[i]);
        }

        foreach ((Member sender, string text, byte[] wire) in sent)
        {
            if (Next(4) == 0)
            {
                byte[] mutated = (byte[])wire.Clone();
                int index = 1 + Next(wire.Length - 1);
                mutated[index] ^= (byte)(1 + Next(255));
                byte[] before = await receiver.RecordBytesAsync(sender, group);
                await Assert.ThrowsAsync<ProtocolException>(async () => await receiver.Cipher.DecryptAsync(sender.Address, SenderKeyMessage.Deserialize(mutated)));
                Assert.Equal(before, await receiver.RecordBytesAsync(sender, group));
            }

            Assert.Equal(text, await receiver.ReceiveAsync(sender, SenderKeyMessage.Deserialize(wire)));
            if (Next(4) == 0)
            {
                var duplicate = await Assert.ThrowsAsync<ProtocolException>(() => receiver.ReceiveAsync(sender, SenderKeyMessage.Deserialize(wire)));
                Assert.Equal(ProtocolErrorKind.DuplicateMessage, duplicate.Kind);
            }
        }
    }
}
