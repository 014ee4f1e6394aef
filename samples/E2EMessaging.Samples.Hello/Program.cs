// A first look at E2EMessaging.Protocol: two devices create their identities, Bob publishes a prekey
// bundle, Alice checks it, and both compute the safety number they would compare in person.
using System.Text;
using E2EMessaging.Protocol.Fingerprints;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.PreKeys;

using IdentityKeyPair alice = IdentityKeyPair.Generate();
using IdentityKeyPair bob = IdentityKeyPair.Generate();
ulong now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

// Bob's device generates the prekeys it uploads to the server: a one-time EC prekey,
// a signed EC prekey and a signed Kyber-1024 prekey.
using PreKeyRecord oneTime = PreKeyRecord.Generate(id: 1);
using SignedPreKeyRecord signedPreKey = SignedPreKeyRecord.Generate(id: 1, now, bob);
using KyberPreKeyRecord kyberPreKey = KyberPreKeyRecord.Generate(id: 1, now, bob);

// Alice fetches the bundle. Constructing it verifies both signatures against Bob's identity key.
var bundle = new PreKeyBundle(
    registrationId: 4242, deviceId: 1,
    oneTime.Id, oneTime.PublicKey,
    signedPreKey.Id, signedPreKey.PublicKey, signedPreKey.Signature.Span,
    bob.PublicKey,
    kyberPreKey.Id, kyberPreKey.PublicKey, kyberPreKey.Signature.Span);
Console.WriteLine($"Alice accepted {bundle}");
Console.WriteLine($"  Kyber-1024 prekey: {kyberPreKey.PublicKey.Serialize().Length} bytes, signed prekey: {signedPreKey.PublicKey.Serialize().Length} bytes");

// Both sides compute the safety number; it is the same 60 digits on both phones.
byte[] aliceId = Encoding.UTF8.GetBytes("alice");
byte[] bobId = Encoding.UTF8.GetBytes("bob");
Fingerprint onAlicesPhone = Fingerprint.Create(2, 5200, aliceId, alice.PublicKey, bobId, bob.PublicKey);
Fingerprint onBobsPhone = Fingerprint.Create(2, 5200, bobId, bob.PublicKey, aliceId, alice.PublicKey);
Console.WriteLine($"Safety number: {Group(onAlicesPhone.DisplayString)}");
Console.WriteLine($"Bob scans Alice's code: {(onBobsPhone.CompareScannable(onAlicesPhone.GetScannableEncoding()) ? "verified" : "MISMATCH")}");

static string Group(string digits) => string.Join(' ', Enumerable.Range(0, digits.Length / 5).Select(i => digits.Substring(i * 5, 5)));
