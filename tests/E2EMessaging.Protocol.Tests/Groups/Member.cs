using E2EMessaging.Protocol.Groups;
using E2EMessaging.Protocol.Messages;
using E2EMessaging.Protocol.Storage;

namespace E2EMessaging.Protocol.Tests.Groups;

/// <summary>One group member for tests: an address, a sender-key store that keeps records serialized, and a cipher.</summary>
internal sealed class Member(string name, uint deviceId = 1)
{
    public ProtocolAddress Address { get; } = new(name, deviceId);

    public InMemorySenderKeyStore Store { get; } = new();

    public GroupCipher Cipher => _cipher ??= new GroupCipher(Store);

    private GroupCipher? _cipher;

    public async Task<byte[]> RecordBytesAsync(Member sender, Guid group) => (await Store.LoadSenderKeyAsync(sender.Address, group))?.Serialize() ?? [];

    public async Task<SenderKeyMessage> SendAsync(Guid group, string text) =>
        SenderKeyMessage.Deserialize((await Cipher.EncryptAsync(Address, group, System.Text.Encoding.UTF8.GetBytes(text))).Serialize());

    public async Task<string> ReceiveAsync(Member sender, SenderKeyMessage message) =>
        System.Text.Encoding.UTF8.GetString(await Cipher.DecryptAsync(sender.Address, SenderKeyMessage.Deserialize(message.Serialize())));

    /// <summary>Sends this member's distribution message to <paramref name="others"/> (in real life over 1:1 sessions).</summary>
    public async Task DistributeAsync(Guid group, params Member[] others)
    {
        byte[] wire = (await Cipher.CreateDistributionMessageAsync(Address, group)).Serialize();
        foreach (Member other in others)
        {
            await other.Cipher.ProcessDistributionMessageAsync(Address, SenderKeyDistributionMessage.Deserialize(wire));
        }
    }
}
