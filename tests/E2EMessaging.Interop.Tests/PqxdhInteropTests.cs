using System.Text.Json;
using E2EMessaging.Interop.Tests.NodeHost;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.PreKeys;
using E2EMessaging.Protocol.Proto.Storage;
using E2EMessaging.Protocol.Sessions;
using Xunit;

namespace E2EMessaging.Interop.Tests;

/// <summary>
/// PQXDH and the root-key ratchet against libsignal, without needing SPQR: libsignal (as the initiator) processes
/// a bundle whose private keys we hold; we read its session record (libsignal's storage format), decapsulate its
/// Kyber ciphertext, run the recipient's side of PQXDH, and must arrive at exactly the chain key and root key
/// libsignal derived.
/// </summary>
[Collection(LibsignalCollection.Name)]
public sealed class PqxdhInteropTests(NodePeerFixture fixture)
{
    private NodePeer Peer => fixture.Peer;

    [Fact]
    public async Task Our_recipient_side_derives_libsignal_initiator_keys()
    {
        for (int i = 0; i < 40; i++)
        {
            bool withOneTimePreKey = i % 2 == 0;
            JsonElement made = await Peer.CallAsync("makeBundle", new { registrationId = 100 + i, deviceId = 1, preKeyId = withOneTimePreKey ? (int?)(i + 1) : null, signedPreKeyId = 7, kyberPreKeyId = 9 });
            using IdentityKeyPair alice = IdentityKeyPair.Generate();
            var args = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (JsonProperty property in made.EnumerateObject())
            {
                args[property.Name] = property.Value.Clone();
            }

            args["localIdentity"] = alice.Serialize();
            args["localRegistrationId"] = 55;
            args["remoteName"] = "bob";
            args["remoteDeviceId"] = 1;
            JsonElement processed = await Peer.CallAsync("processBundle", args);

            // libsignal's record, read with our storage types.
            RecordStructure record = RecordStructure.Parser.ParseFrom(processed.GetBytes("sessionRecord"));
            SessionStructure state = record.CurrentSession;
            Assert.Equal(4u, state.SessionVersion);
            Assert.Equal(alice.PublicKey.Serialize(), state.LocalIdentityPublic.ToByteArray());
            PublicKey baseKey = PublicKey.Deserialize(state.AliceBaseKey.Span);
            Assert.Equal(baseKey.Serialize(), state.PendingPreKey.BaseKey.ToByteArray());
            Assert.Equal(9u, state.PendingKyberPreKey.PreKeyId);

            // Bob's side, with our code and the bundle's private keys.
            using IdentityKeyPair bob = new(PrivateKey.Deserialize(made.GetBytes("identityPrivate")));
            using SignedPreKeyRecord signedPreKey = SignedPreKeyRecord.Deserialize(made.GetBytes("signedPreKeyRecord"));
            using KyberPreKeyRecord kyberPreKey = KyberPreKeyRecord.Deserialize(made.GetBytes("kyberPreKeyRecord"));
            using PreKeyRecord? oneTime = withOneTimePreKey ? PreKeyRecord.Deserialize(made.GetBytes("preKeyRecord")) : null;
            byte[] secrets = new byte[Pqxdh.OutputLength];
            Pqxdh.Accept(bob, signedPreKey.KeyPair, oneTime?.KeyPair, kyberPreKey.KeyPair.SecretKey, alice.PublicKey, baseKey, state.PendingKyberPreKey.Ciphertext.Span, secrets);

            // Alice's receiving chain for Bob's signed prekey holds the PQXDH chain key.
            SessionStructure.Types.Chain receiving = Assert.Single(state.ReceiverChains);
            Assert.Equal(signedPreKey.PublicKey.Serialize(), receiving.SenderRatchetKey.ToByteArray());
            Assert.Equal(secrets[32..64], receiving.ChainKey.Key.ToByteArray());

            // Alice's root key is the PQXDH root key stepped with her first sending ratchet key against Bob's signed prekey.
            using PrivateKey aliceRatchet = PrivateKey.Deserialize(state.SenderChain.SenderRatchetKeyPrivate.Span);
            byte[] root = new byte[32];
            byte[] sendingChain = new byte[32];
            RootKey.CreateChain(secrets[..32], signedPreKey.PublicKey, aliceRatchet, root, sendingChain);
            Assert.Equal(root, state.RootKey.ToByteArray());
            Assert.Equal(sendingChain, state.SenderChain.ChainKey.Key.ToByteArray());
        }
    }
}
