// A first look at E2EMessaging.Protocol: two devices create their identities, Bob publishes a prekey
// bundle, Alice starts a post-quantum session from it (PQXDH with Kyber-1024), they exchange messages with
// the Double Ratchet, and both compute the safety number they would compare in person.
using System.Text;
using E2EMessaging.Protocol;
using E2EMessaging.Protocol.Fingerprints;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.Messages;
using E2EMessaging.Protocol.PreKeys;
using E2EMessaging.Protocol.Sessions;
using E2EMessaging.Protocol.Storage;

var aliceAddress = new ProtocolAddress("alice", deviceId: 1);
var bobAddress = new ProtocolAddress("bob", deviceId: 1);
using IdentityKeyPair aliceIdentity = IdentityKeyPair.Generate();
using IdentityKeyPair bobIdentity = IdentityKeyPair.Generate();
using var aliceStore = new InMemoryProtocolStore(aliceIdentity, localRegistrationId: 1001);
using var bobStore = new InMemoryProtocolStore(bobIdentity, localRegistrationId: 2002);
var alice = new SessionCipher(aliceAddress, aliceStore, aliceStore, aliceStore, aliceStore, aliceStore);
var bob = new SessionCipher(bobAddress, bobStore, bobStore, bobStore, bobStore, bobStore);

// Bob's device generates the prekeys it uploads to the server: a one-time EC prekey,
// a signed EC prekey and a signed Kyber-1024 prekey. It keeps the private halves in its stores.
ulong now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
using PreKeyRecord oneTime = PreKeyRecord.Generate(id: 1);
using SignedPreKeyRecord signedPreKey = SignedPreKeyRecord.Generate(id: 1, now, bobIdentity);
using KyberPreKeyRecord kyberPreKey = KyberPreKeyRecord.Generate(id: 1, now, bobIdentity);
await bobStore.SavePreKeyAsync(oneTime.Id, oneTime);
await bobStore.SaveSignedPreKeyAsync(signedPreKey.Id, signedPreKey);
await bobStore.SaveKyberPreKeyAsync(kyberPreKey.Id, kyberPreKey, isLastResort: true);

// Alice fetches the bundle. Constructing it verifies both signatures against Bob's identity key.
var bundle = new PreKeyBundle(
    registrationId: 2002, deviceId: 1,
    oneTime.Id, oneTime.PublicKey,
    signedPreKey.Id, signedPreKey.PublicKey, signedPreKey.Signature.Span,
    bobIdentity.PublicKey,
    kyberPreKey.Id, kyberPreKey.PublicKey, kyberPreKey.Signature.Span);
await alice.ProcessPreKeyBundleAsync(bobAddress, bundle);

// The first message carries what Bob needs to start his side of the session.
CiphertextMessage hello = await alice.EncryptAsync(bobAddress, Encoding.UTF8.GetBytes("Hello Bob, this is end-to-end encrypted."));
byte[] onTheWire = hello.Serialize();
Console.WriteLine($"Alice -> Bob: {hello.Type} message, {onTheWire.Length} bytes");
Console.WriteLine($"Bob reads:    {Encoding.UTF8.GetString(await bob.DecryptAsync(aliceAddress, PreKeySignalMessage.Deserialize(onTheWire)))}");

// Bob answers; from now on both sides use plain ratchet messages.
CiphertextMessage reply = await bob.EncryptAsync(aliceAddress, Encoding.UTF8.GetBytes("Hi Alice! Got it."));
Console.WriteLine($"Bob -> Alice: {reply.Type} message, {reply.Serialize().Length} bytes");
Console.WriteLine($"Alice reads:  {Encoding.UTF8.GetString(await alice.DecryptAsync(bobAddress, SignalMessage.Deserialize(reply.Serialize())))}");

// A replay is refused.
try
{
    await bob.DecryptAsync(aliceAddress, PreKeySignalMessage.Deserialize(onTheWire));
}
catch (ProtocolException e) when (e.Kind == ProtocolErrorKind.DuplicateMessage)
{
    Console.WriteLine("Replaying Alice's first message: refused as a duplicate.");
}

// Both sides compute the safety number; it is the same 60 digits on both phones.
Fingerprint onAlicesPhone = Fingerprint.Create(2, 5200, Encoding.UTF8.GetBytes("alice"), aliceIdentity.PublicKey, Encoding.UTF8.GetBytes("bob"), bobIdentity.PublicKey);
Fingerprint onBobsPhone = Fingerprint.Create(2, 5200, Encoding.UTF8.GetBytes("bob"), bobIdentity.PublicKey, Encoding.UTF8.GetBytes("alice"), aliceIdentity.PublicKey);
Console.WriteLine($"Safety number: {Group(onAlicesPhone.DisplayString)}");
Console.WriteLine($"Bob scans Alice's code: {(onBobsPhone.CompareScannable(onAlicesPhone.GetScannableEncoding()) ? "verified" : "MISMATCH")}");

static string Group(string digits) => string.Join(' ', Enumerable.Range(0, digits.Length / 5).Select(i => digits.Substring(i * 5, 5)));
