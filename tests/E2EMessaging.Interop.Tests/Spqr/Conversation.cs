using System.Text;
using System.Text.Json;
using E2EMessaging.Interop.Tests.NodeHost;
using E2EMessaging.Protocol;
using E2EMessaging.Protocol.Messages;
using E2EMessaging.Protocol.Proto.Spqr;
using E2EMessaging.Protocol.Sessions;
using Xunit;

namespace E2EMessaging.Interop.Tests.Spqr;

/// <summary>A message on the wire: its type (2 Whisper, 3 PreKey), its bytes and the text it carries.</summary>
internal sealed record WireMessage(int Type, byte[] Bytes, string Text);

/// <summary>
/// A live 1:1 conversation between our device ("us") and a libsignal party inside the Node peer ("them"). Sending
/// returns what went on the wire, so a test decides what is delivered, in which order, twice or never.
/// </summary>
internal sealed class Conversation : IDisposable
{
    private readonly NodePeer _peer;
    private int _ourCount;
    private int _theirCount;

    private Conversation(NodePeer peer, OurDevice us, string them, ProtocolAddress theirAddress)
    {
        _peer = peer;
        Us = us;
        Them = them;
        TheirAddress = theirAddress;
    }

    public OurDevice Us { get; }

    public string Them { get; }

    public ProtocolAddress TheirAddress { get; }

    public static string Unique(string name) => $"{name}-{Guid.NewGuid():N}";

    /// <summary>We start the session from a bundle libsignal made.</summary>
    public static async Task<Conversation> WeInitiateAsync(NodePeer peer, bool withOneTimePreKey = true)
    {
        (OurDevice us, string them) = await CreateAsync(peer);
        var conversation = new Conversation(peer, us, them, new ProtocolAddress(them, 2));
        JsonElement bundle = await peer.CallAsync("partyBundle", new { name = them, withOneTimePreKey });
        await us.Cipher.ProcessPreKeyBundleAsync(conversation.TheirAddress, PeerBundles.ToBundle(bundle));
        return conversation;
    }

    /// <summary>libsignal starts the session from a bundle we made.</summary>
    public static async Task<Conversation> TheyInitiateAsync(NodePeer peer, bool withOneTimePreKey = true)
    {
        (OurDevice us, string them) = await CreateAsync(peer);
        var conversation = new Conversation(peer, us, them, new ProtocolAddress(them, 2));
        await peer.CallAsync("partyProcessBundle", await us.BundleArgsAsync(them, withOneTimePreKey));
        return conversation;
    }

    /// <summary>Our next <paramref name="count"/> messages.</summary>
    public async Task<List<WireMessage>> WeSendAsync(int count)
    {
        var sent = new List<WireMessage>(count);
        for (int i = 0; i < count; i++)
        {
            string text = $"us {_ourCount++}";
            CiphertextMessage message = await Us.EncryptAsync(TheirAddress, text);
            sent.Add(new WireMessage((int)message.Type, message.Serialize(), text));
        }

        return sent;
    }

    /// <summary>libsignal's next <paramref name="count"/> messages; the first <paramref name="lost"/> are lost on the way.</summary>
    public async Task<List<WireMessage>> TheySendAsync(int count, int lost = 0)
    {
        string prefix = $"them {_theirCount}+";
        JsonElement result = await _peer.CallAsync("partyEncryptBatch", new { name = Them, remoteName = Us.Address.Name, remoteDeviceId = (int)Us.Address.DeviceId, count, keepFrom = lost, prefix });
        _theirCount += count;
        var sent = new List<WireMessage>(count - lost);
        int i = lost;
        foreach (JsonElement m in result.GetProperty("messages").EnumerateArray())
        {
            sent.Add(new WireMessage(m.GetInt32("type"), m.GetBytes("serialized"), $"{prefix}{i++}"));
        }

        return sent;
    }

    /// <summary>Delivers to libsignal; returns per message the plaintext or the error text.</summary>
    public async Task<List<(bool Ok, string Value)>> DeliverToThemAsync(IReadOnlyList<WireMessage> messages)
    {
        var results = new List<(bool, string)>(messages.Count);
        const int Batch = 500;
        for (int start = 0; start < messages.Count; start += Batch)
        {
            var items = messages.Skip(start).Take(Batch).Select(m => new { type = m.Type, serialized = m.Bytes }).ToArray();
            JsonElement result = await _peer.CallAsync("partyDecryptBatch", new { name = Them, remoteName = Us.Address.Name, remoteDeviceId = (int)Us.Address.DeviceId, items });
            foreach (JsonElement r in result.GetProperty("results").EnumerateArray())
            {
                results.Add(r.GetProperty("ok").GetBoolean()
                    ? (true, Encoding.UTF8.GetString(r.GetBytes("plaintext")))
                    : (false, r.GetProperty("error").GetString() ?? string.Empty));
            }
        }

        return results;
    }

    /// <summary>Delivers to libsignal and requires every message to decrypt to its text.</summary>
    public async Task TheyReceiveAllAsync(IReadOnlyList<WireMessage> messages)
    {
        var results = await DeliverToThemAsync(messages);
        for (int i = 0; i < messages.Count; i++)
        {
            Assert.True(results[i].Ok, $"libsignal refused '{messages[i].Text}': {results[i].Value}");
            Assert.Equal(messages[i].Text, results[i].Value);
        }
    }

    /// <summary>Delivers to us and requires every message to decrypt to its text.</summary>
    public async Task WeReceiveAllAsync(IEnumerable<WireMessage> messages)
    {
        foreach (WireMessage m in messages)
        {
            Assert.Equal(m.Text, await Us.DecryptAsync(TheirAddress, m.Type, m.Bytes));
        }
    }

    /// <summary>Delivers one message to us and returns the error kind, or null when it decrypted to its text.</summary>
    public async Task<ProtocolErrorKind?> TryWeReceiveAsync(WireMessage m)
    {
        try
        {
            Assert.Equal(m.Text, await Us.DecryptAsync(TheirAddress, m.Type, m.Bytes));
            return null;
        }
        catch (ProtocolException e)
        {
            return e.Kind;
        }
    }

    /// <summary>Our current SPQR state for this conversation (chain epoch and which braid state we are in).</summary>
    public async Task<SpqrState> OurSpqrStateAsync()
    {
        SessionRecord record = await Us.Store.LoadSessionAsync(TheirAddress) ?? throw new InvalidOperationException("No session.");
        SessionState state = record.Current ?? throw new InvalidOperationException("No current state.");
        return SpqrState.Parser.ParseFrom(state.PqRatchetState);
    }

    public Task ReloadUsAsync() => Us.ReloadAsync(TheirAddress);

    public void Dispose() => Us.Dispose();

    private static async Task<(OurDevice Us, string Them)> CreateAsync(NodePeer peer)
    {
        string them = Unique("them");
        await peer.CallAsync("partyCreate", new { name = them, deviceId = 2, registrationId = 2222 });
        return (new OurDevice(Unique("us"), 1, 1111), them);
    }
}
