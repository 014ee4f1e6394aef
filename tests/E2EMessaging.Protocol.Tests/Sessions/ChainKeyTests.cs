using E2EMessaging.Protocol.Sessions;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Sessions;

public sealed class ChainKeyTests
{
    // Known answer from libsignal's ratchet key tests (test_chain_key_derivation in rust/protocol/src/ratchet/keys.rs):
    // a chain key, the cipher and MAC keys of its first message (no SPQR salt), and the next chain key.
    private static readonly byte[] Seed = Convert.FromHexString("8ab72d6f4cc5ac0d387eaf463378ddb28edd07385b1cb01250c715982e7ad48f");
    private static readonly byte[] CipherKey = Convert.FromHexString("bf51e9d75e0e31031051f82a2491ffc084fa298b7793bd9db620056febf45217");
    private static readonly byte[] MacKey = Convert.FromHexString("c6c77d6a73a354337a56435e34607dfe48e3ace14e77314dc6abc172e7a7030b");
    private static readonly byte[] NextChainKey = Convert.FromHexString("28e8f8fee54b801eef7c5cfb2f17f32c7b334485bbb70fac6ec10342a246d15d");

    [Fact]
    public void Libsignal_chain_and_message_key_vector()
    {
        byte[] seed = new byte[32];
        byte[] next = new byte[32];
        byte[] buffer = new byte[80];
        ChainKey.MessageKeySeed(Seed, seed);
        ChainKey.Next(Seed, next);
        MessageKeys keys = new(buffer, seed, []);
        Assert.Equal(CipherKey, keys.CipherKey.ToArray());
        Assert.Equal(MacKey, keys.MacKey.ToArray());
        Assert.Equal(NextChainKey, next);
        keys.Dispose();
        Assert.All(buffer, b => Assert.Equal(0, b));
    }

    [Fact]
    public void An_spqr_key_salts_the_message_keys()
    {
        byte[] seed = new byte[32];
        ChainKey.MessageKeySeed(Seed, seed);
        byte[] salt = new byte[32];
        salt[0] = 1;
        MessageKeys salted = new(new byte[80], seed, salt);
        Assert.NotEqual(CipherKey, salted.CipherKey.ToArray());
    }
}
