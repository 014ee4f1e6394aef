// libsignal's half of benchmarks/compare-libsignal: the three session and two group workloads run through
// @signalapp/libsignal-client (the copy the interop peer pins, in
// tests/E2EMessaging.Interop.Tests/peer/node_modules; no second install).
//
//   node libsignal-bench.mjs [--duration-ms 3000] [--warmup-ms 1000] [--only name[,name]]
//                            [--keep-record-objects]
//
// Prints one JSON object on stdout:
//   {"session-setup": {opsPerSec, meanMicros, p50Micros, n}, "encrypt-decrypt-160": {...},
//    "ping-pong": {...}, "group-160": {...}, "group-4096": {...}, "_meta": {...}}
// Progress goes to stderr. Each workload first runs for the warm-up time, then until its timed
// iterations add up to the duration. Only the protocol work is timed: minting bob's fresh
// one-time prekey and checking plaintexts happen outside the clock.
//
// The stores are the interop peer's (tests/E2EMessaging.Interop.Tests/peer/stores.js), in-memory but
// keeping what a real host's database keeps: serialized bytes.
// Every SessionRecord is serialize()d on save and deserialize()d on load, so each encrypt and
// each decrypt pays one record load and one record store, as it would in an app. The group workloads'
// SenderKeyRecords are kept the same way, on the sender's side and on the receiver's.
// --keep-record-objects (for diagnosis only, not what run.sh compares) keeps the SessionRecord
// objects instead, which shows how much of each workload is record (de)serialization.

import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const peerDir = path.resolve(here, '../../tests/E2EMessaging.Interop.Tests/peer');
const peerRequire = createRequire(path.join(peerDir, 'package.json'));
let S;
try {
  S = await import(pathToFileURL(peerRequire.resolve('@signalapp/libsignal-client')).href);
} catch (err) {
  process.stderr.write(
    `libsignal-bench: cannot load @signalapp/libsignal-client from ${peerDir}/node_modules ` +
      `(run 'npm ci' there): ${err.message}\n`);
  process.exit(2);
}
const LIBSIGNAL_VERSION = peerRequire('@signalapp/libsignal-client/package.json').version;

// ---------------------------------------------------------------------------------------------
// Options

function parseOptions(argv) {
  const options = { durationMs: 3000, warmupMs: 1000, only: null, keepRecordObjects: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) {
        throw new Error(`${arg} needs a value`);
      }
      return argv[++i];
    };
    if (arg === '--duration-ms') {
      options.durationMs = Number(value());
    } else if (arg === '--warmup-ms') {
      options.warmupMs = Number(value());
    } else if (arg === '--keep-record-objects') {
      options.keepRecordObjects = true;
    } else if (arg === '--only') {
      options.only = value().split(',');
    } else {
      throw new Error(`unknown argument '${arg}'`);
    }
  }
  if (!(options.durationMs > 0) || !(options.warmupMs >= 0)) {
    throw new Error('--duration-ms must be > 0 and --warmup-ms >= 0');
  }
  return options;
}

// ---------------------------------------------------------------------------------------------
// Stores: the interop peer's (peer/stores.js, CommonJS). Every record is kept serialized, as a
// real host's database keeps it, unless --keep-record-objects; made in main() from the options.

const { makeStoreClasses } = peerRequire('./stores.js');
let Stores;

// ---------------------------------------------------------------------------------------------
// Parties

async function makeParty(name, deviceId, registrationId) {
  const identity = S.IdentityKeyPair.generate();
  const party = {
    address: S.ProtocolAddress.new(name, deviceId),
    deviceId,
    registrationId,
    identity,
    sessionStore: new Stores.SessionStore(),
    identityStore: new Stores.IdentityKeyStore(identity, registrationId),
    preKeyStore: new Stores.PreKeyStore(),
    signedPreKeyStore: new Stores.SignedPreKeyStore(),
    kyberPreKeyStore: new Stores.KyberPreKeyStore(),
    nextPreKeyId: 1,
  };
  const timestamp = Date.now();
  const signedPreKey = S.PrivateKey.generate();
  party.signedPreKey = {
    id: 1,
    publicKey: signedPreKey.getPublicKey().serialize(),
    signature: identity.privateKey.sign(signedPreKey.getPublicKey().serialize()),
  };
  await party.signedPreKeyStore.saveSignedPreKey(1, S.SignedPreKeyRecord.new(
    1, timestamp, signedPreKey.getPublicKey(), signedPreKey, party.signedPreKey.signature));
  const kyber = S.KEMKeyPair.generate();
  party.kyberPreKey = {
    id: 1,
    publicKey: kyber.getPublicKey().serialize(),
    signature: identity.privateKey.sign(kyber.getPublicKey().serialize()),
  };
  // Bob's last-resort Kyber prekey: kept after use; a repeated (Kyber id, signed prekey id, base key) throws.
  await party.kyberPreKeyStore.saveKyberPreKey(
    1, S.KyberPreKeyRecord.new(1, timestamp, kyber, party.kyberPreKey.signature), true);
  return party;
}

// Bob's bundle as a client receives it from the server: bytes. Mints and stores a fresh one-time prekey.
async function freshBundleBytes(party) {
  const id = party.nextPreKeyId++;
  const preKey = S.PrivateKey.generate();
  await party.preKeyStore.savePreKey(id, S.PreKeyRecord.new(id, preKey.getPublicKey(), preKey));
  return {
    registrationId: party.registrationId,
    deviceId: party.deviceId,
    preKeyId: id,
    preKeyPublic: preKey.getPublicKey().serialize(),
    signedPreKeyId: party.signedPreKey.id,
    signedPreKeyPublic: party.signedPreKey.publicKey,
    signedPreKeySignature: party.signedPreKey.signature,
    identityKey: party.identity.publicKey.serialize(),
    kyberPreKeyId: party.kyberPreKey.id,
    kyberPreKeyPublic: party.kyberPreKey.publicKey,
    kyberPreKeySignature: party.kyberPreKey.signature,
  };
}

function bundleFromBytes(b) {
  return S.PreKeyBundle.new(
    b.registrationId,
    b.deviceId,
    b.preKeyId,
    S.PublicKey.deserialize(b.preKeyPublic),
    b.signedPreKeyId,
    S.PublicKey.deserialize(b.signedPreKeyPublic),
    b.signedPreKeySignature,
    S.PublicKey.deserialize(b.identityKey),
    b.kyberPreKeyId,
    S.KEMPublicKey.deserialize(b.kyberPreKeyPublic),
    b.kyberPreKeySignature,
  );
}

async function encrypt(from, to, plaintext) {
  const message = await S.signalEncrypt(plaintext, to.address, from.address, from.sessionStore, from.identityStore);
  return { type: message.type(), serialized: message.serialize() };
}

async function decrypt(to, from, message) {
  if (message.type === S.CiphertextMessageType.PreKey) {
    return S.signalDecryptPreKey(
      S.PreKeySignalMessage.deserialize(message.serialized), from.address, to.address, to.sessionStore,
      to.identityStore, to.preKeyStore, to.signedPreKeyStore, to.kyberPreKeyStore);
  }
  return S.signalDecrypt(
    S.SignalMessage.deserialize(message.serialized), from.address, to.address, to.sessionStore, to.identityStore);
}

function check(plaintext, expected, what) {
  if (Buffer.compare(plaintext, expected) !== 0) {
    throw new Error(`${what}: decrypted plaintext differs from what was sent`);
  }
}

// A session alice -> bob that bob has answered, so alice's messages are Whisper (type 2) messages.
async function establishedPair() {
  const alice = await makeParty('alice', 1, 1111);
  const bob = await makeParty('bob', 1, 2222);
  await S.processPreKeyBundle(
    bundleFromBytes(await freshBundleBytes(bob)), bob.address, alice.address, alice.sessionStore, alice.identityStore);
  const hello = new Uint8Array(8);
  check(await decrypt(bob, alice, await encrypt(alice, bob, hello)), hello, 'setup');
  check(await decrypt(alice, bob, await encrypt(bob, alice, hello)), hello, 'setup reply');
  return { alice, bob };
}

// ---------------------------------------------------------------------------------------------
// Workloads. Each returns { prepare(), run(state) -> check }: prepare is untimed, run is timed,
// the returned check (if any) runs untimed afterwards.

// Bytes 0, 1, 2, ... (mod 256), as our side sends.
const plaintextOf = (size) => new Uint8Array(size).map((_, i) => i & 0xff);
const PLAINTEXT_160 = plaintextOf(160);

async function sessionSetup() {
  const alice = await makeParty('alice', 1, 1111);
  const bob = await makeParty('bob', 1, 2222);
  const sizes = {};
  return {
    alice,
    bob,
    sizes,
    async prepare() {
      // Each iteration is a first contact: no sessions on either side, a fresh one-time prekey for bob.
      alice.sessionStore.clear();
      bob.sessionStore.clear();
      return freshBundleBytes(bob);
    },
    async run(bundle) {
      await S.processPreKeyBundle(
        bundleFromBytes(bundle), bob.address, alice.address, alice.sessionStore, alice.identityStore);
      const message = await encrypt(alice, bob, PLAINTEXT_160);
      const plaintext = await decrypt(bob, alice, message);
      return () => {
        check(plaintext, PLAINTEXT_160, 'session-setup');
        sizes.preKeyMessage = message.serialized.length;
      };
    },
  };
}

async function chain160() {
  const { alice, bob } = await establishedPair();
  const sizes = {};
  return {
    alice,
    bob,
    sizes,
    async prepare() {
      return null;
    },
    async run() {
      const message = await encrypt(alice, bob, PLAINTEXT_160);
      const plaintext = await decrypt(bob, alice, message);
      return () => {
        check(plaintext, PLAINTEXT_160, 'encrypt-decrypt-160');
        if (message.type !== S.CiphertextMessageType.Whisper) {
          throw new Error('encrypt-decrypt-160: expected a Whisper message on an established chain');
        }
        sizes.message = message.serialized.length;
      };
    },
  };
}

async function pingPong() {
  const { alice, bob } = await establishedPair();
  const sizes = {};
  let turn = 0;
  return {
    alice,
    bob,
    sizes,
    async prepare() {
      return (turn++ & 1) === 0 ? [alice, bob] : [bob, alice];
    },
    async run([from, to]) {
      const message = await encrypt(from, to, PLAINTEXT_160);
      const plaintext = await decrypt(to, from, message);
      return () => {
        check(plaintext, PLAINTEXT_160, 'ping-pong');
        sizes.message = message.serialized.length;
      };
    },
  };
}

// group-160 and group-4096: alice encrypts a group message with her sender key (serialized), bob
// parses and decrypts it (groupDecrypt takes the bytes). The sender key is distributed once, before
// the warm-up (alice's SenderKeyDistributionMessage, serialized and parsed, processed by bob); the
// chain advances normally, one iteration per message, so bob never skips a key.
const GROUP_DISTRIBUTION_ID = 'd1d1d1d1-7000-11eb-b32a-33b8a8a487a6';

async function group(size) {
  const name = `group-${size}`;
  const alice = S.ProtocolAddress.new('alice', 1);
  const aliceStore = new Stores.SenderKeyStore();
  const bobStore = new Stores.SenderKeyStore();
  const plaintext = plaintextOf(size);
  const distribution = await S.SenderKeyDistributionMessage.create(alice, GROUP_DISTRIBUTION_ID, aliceStore);
  await S.processSenderKeyDistributionMessage(
    alice, S.SenderKeyDistributionMessage.deserialize(distribution.serialize()), bobStore);
  const sizes = {};
  return {
    sizes,
    recordSizes() {
      return {
        aliceSenderKeyRecord: aliceStore.size(alice, GROUP_DISTRIBUTION_ID),
        bobSenderKeyRecord: bobStore.size(alice, GROUP_DISTRIBUTION_ID),
      };
    },
    async prepare() {
      return null;
    },
    async run() {
      const serialized = (await S.groupEncrypt(alice, GROUP_DISTRIBUTION_ID, aliceStore, plaintext)).serialize();
      const decrypted = await S.groupDecrypt(alice, bobStore, serialized);
      return () => {
        check(decrypted, plaintext, name);
        sizes.message = serialized.length;
      };
    },
  };
}

const WORKLOADS = {
  'session-setup': {
    make: sessionSetup,
    what: 'processPreKeyBundle + first encrypt (PreKey message, 160 bytes) + its decrypt; fresh one-time prekey each time',
  },
  'encrypt-decrypt-160': {
    make: chain160,
    what: 'encrypt + decrypt of 160 bytes alice -> bob on an established chain (no DH ratchet step)',
  },
  'ping-pong': {
    make: pingPong,
    what: 'directions alternate, so every message starts a new chain (DH ratchet step); one encrypt + decrypt per turn',
  },
  'group-160': {
    make: () => group(160),
    what: 'group message of 160 bytes: alice\'s groupEncrypt + serialize, bob\'s groupDecrypt of the bytes, on a sender key distributed once; the chain advances every message',
  },
  'group-4096': {
    make: () => group(4096),
    what: 'group message of 4096 bytes: alice\'s groupEncrypt + serialize, bob\'s groupDecrypt of the bytes, on a sender key distributed once; the chain advances every message',
  },
};

// ---------------------------------------------------------------------------------------------
// Timing

async function measure(workload, budgetMs) {
  const timings = [];
  let timedNs = 0n;
  const budgetNs = BigInt(Math.round(budgetMs * 1e6));
  const wallLimit = performance.now() + budgetMs * 4 + 1000;
  while (timedNs < budgetNs && performance.now() < wallLimit) {
    const input = await workload.prepare();
    const start = process.hrtime.bigint();
    const after = await workload.run(input);
    const elapsed = process.hrtime.bigint() - start;
    after();
    timedNs += elapsed;
    timings.push(Number(elapsed) / 1e3);
  }
  return { timedNs, timings };
}

async function runWorkload(name, options) {
  const workload = await WORKLOADS[name].make();
  if (options.warmupMs > 0) {
    await measure(workload, options.warmupMs);
  }
  const { timedNs, timings } = await measure(workload, options.durationMs);
  const n = timings.length;
  const meanMicros = Number(timedNs) / 1e3 / n;
  timings.sort((x, y) => x - y);
  const result = {
    opsPerSec: Math.round((n / Number(timedNs)) * 1e9 * 10) / 10,
    meanMicros: Math.round(meanMicros * 100) / 100,
    p50Micros: Math.round(timings[Math.floor(n / 2)] * 100) / 100,
    n,
  };
  const sizes = {
    ...workload.sizes,
    ...(workload.recordSizes
      ? workload.recordSizes()
      : {
          aliceSessionRecord: workload.alice.sessionStore.size(workload.bob.address),
          bobSessionRecord: workload.bob.sessionStore.size(workload.alice.address),
        }),
  };
  return { result, sizes };
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const keepRecordObjects = options.keepRecordObjects;
  Stores = makeStoreClasses(S, { keepRecordObjects });
  const names = options.only ?? Object.keys(WORKLOADS);
  for (const name of names) {
    if (!(name in WORKLOADS)) {
      throw new Error(`unknown workload '${name}' (known: ${Object.keys(WORKLOADS).join(', ')})`);
    }
  }
  const output = {};
  const sizes = {};
  for (const name of names) {
    process.stderr.write(`libsignal-bench: ${name} (warm-up ${options.warmupMs} ms, then ${options.durationMs} ms timed)...\n`);
    const measured = await runWorkload(name, options);
    output[name] = measured.result;
    sizes[name] = measured.sizes;
    process.stderr.write(`libsignal-bench:   ${measured.result.meanMicros} us/op over ${measured.result.n} ops\n`);
  }
  output._meta = {
    implementation: `@signalapp/libsignal-client ${LIBSIGNAL_VERSION} (Node ${process.version}, ${process.platform}/${process.arch})`,
    durationMs: options.durationMs,
    warmupMs: options.warmupMs,
    stores: keepRecordObjects
      ? 'DIAGNOSTIC RUN (--keep-record-objects): the session and sender-key stores keep record objects, ' +
        'no serialize()/deserialize() per message; not comparable with run.sh numbers'
      : 'in-memory, holding serialized bytes: SessionRecord.serialize() on every save and ' +
        'SessionRecord.deserialize() on every load (also prekey records, identity keys and both sides\' ' +
        'SenderKeyRecords), as a real host does',
    timed: 'protocol work only; minting bob\'s one-time prekey, clearing stores and checking plaintexts are untimed',
    workloads: Object.fromEntries(names.map((name) => [name, WORKLOADS[name].what])),
    bytesAtEnd: sizes,
  };
  process.stdout.write(JSON.stringify(output, null, 2) + '\n');
}

main().catch((err) => {
  process.stderr.write(`libsignal-bench: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
