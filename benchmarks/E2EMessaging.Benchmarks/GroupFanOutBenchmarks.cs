using BenchmarkDotNet.Attributes;
using E2EMessaging.Protocol;
using E2EMessaging.Protocol.Groups;
using E2EMessaging.Protocol.Messages;
using E2EMessaging.Protocol.Storage;

namespace E2EMessaging.Benchmarks;

/// <summary>
/// What one group message costs the <b>sender</b> (CPU time and allocations), by group size, for the three ways a
/// client can fan a message out. A group of <see cref="Members"/> members with <see cref="DevicesPerMember"/>
/// devices each has <c>Members × DevicesPerMember − 1</c> devices to reach besides the sending one (the other
/// members' devices and the sender's own other devices). Every pairwise session is established and answered in
/// <c>[GlobalSetup]</c> (so the sender sends Whisper messages on an existing chain), and the sender's session store
/// keeps records serialized, as a host's database would: every pairwise encrypt loads and stores a record.
/// <list type="bullet">
/// <item><b>(a) pairwise fan-out</b>: one <c>SessionCipher</c> encrypt of a 160-byte content per device, the way
/// 1:1 messages and small-group messages without sender keys are sent. Linear in devices.</item>
/// <item><b>(b) sender-key send</b>, the steady state of a group: one <c>GroupCipher</c> encrypt of the 160-byte
/// content, whatever the group size. The relay copies that one ciphertext into each device's inbox.</item>
/// <item><b>(c) sender-key distribution</b>, once per sender key (new group, new member device, rotation): the
/// sender-key distribution message is created once and encrypted over each device's pairwise session. Linear in
/// devices, paid once per key rather than per message.</item>
/// </list>
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class GroupFanOutBenchmarks
{
    private static readonly byte[] Content160 = [.. Enumerable.Range(0, 160).Select(i => (byte)i)];

    private readonly Guid _distributionId = Guid.NewGuid();
    private SessionParty _sender = null!;
    private GroupCipher _groupCipher = null!;
    private ProtocolAddress[] _devices = [];

    /// <summary>Members of the group, the sender included.</summary>
    [Params(2, 8, 32, 128, 256, 1024)]
    public int Members { get; set; }

    /// <summary>Devices per member (the sender's too).</summary>
    [Params(1, 4)]
    public int DevicesPerMember { get; set; }

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _sender = await SessionParty.CreateAsync("m0", 1);
        _groupCipher = new GroupCipher(new InMemorySenderKeyStore());
        var devices = new List<ProtocolAddress>();
        for (int member = 0; member < Members; member++)
        {
            for (uint device = 1; device <= DevicesPerMember; device++)
            {
                if (member == 0 && device == 1)
                {
                    continue;
                }

                using SessionParty peer = await SessionParty.CreateAsync($"m{member}", (uint)(1000 + devices.Count), device);
                await _sender.Cipher.ProcessPreKeyBundleAsync(peer.Address, SessionParty.BundleFromBytes(await peer.FreshBundleAsync()));
                byte[] hello = new byte[8];
                SessionParty.Check(await peer.DecryptAsync(_sender, await _sender.EncryptAsync(peer, hello)), hello, "setup");
                SessionParty.Check(await _sender.DecryptAsync(peer, await peer.EncryptAsync(_sender, hello)), hello, "setup reply");
                devices.Add(peer.Address);
            }
        }

        _devices = [.. devices];
        await _groupCipher.CreateDistributionMessageAsync(_sender.Address, _distributionId);
    }

    [GlobalCleanup]
    public void Cleanup() => _sender?.Dispose();

    /// <summary>(a) One SessionCipher encrypt per recipient device.</summary>
    [Benchmark(Description = "(a) pairwise fan-out")]
    public int PairwiseFanOut() => PairwiseAsync(Content160).AsTask().GetAwaiter().GetResult();

    /// <summary>(b) One GroupCipher encrypt, whatever the group size.</summary>
    [Benchmark(Description = "(b) sender-key send")]
    public int SenderKeySend() =>
        _groupCipher.EncryptAsync(_sender.Address, _distributionId, Content160).AsTask().GetAwaiter().GetResult().Serialize().Length;

    /// <summary>(c) The sender-key distribution message, created once and encrypted over every pairwise session.</summary>
    [Benchmark(Description = "(c) sender-key distribution")]
    public int Distribution()
    {
        SenderKeyDistributionMessage distribution =
            _groupCipher.CreateDistributionMessageAsync(_sender.Address, _distributionId).AsTask().GetAwaiter().GetResult();
        return PairwiseAsync(distribution.Serialize()).AsTask().GetAwaiter().GetResult();
    }

    private async ValueTask<int> PairwiseAsync(byte[] content)
    {
        int bytes = 0;
        foreach (ProtocolAddress device in _devices)
        {
            CiphertextMessage message = await _sender.Cipher.EncryptAsync(device, content).ConfigureAwait(false);
            bytes += message.Serialize().Length;
        }

        return bytes;
    }
}
