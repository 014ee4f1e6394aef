'use strict';
// JSON-lines peer that lets the E2EMessaging interop tests drive the real libsignal
// (@signalapp/libsignal-client, pinned in package.json).
//
// Protocol: one request per stdin line, {"id":n,"op":"name","args":{...}}; one response per
// request, {"id":n,"ok":true,"result":{...}} or {"id":n,"ok":false,"error":"<name>: <message>"}.
// The arguments go in "args" because several ops take an argument called "id" (a prekey id),
// which would collide with the request id. For hand-written requests the flat form
// {"id":n,"op":"name", ...args} is accepted too when there is no "args" member, but it cannot
// carry an argument named "id" or "op".
// Requests are processed strictly in order. Byte arrays are base64 strings.
// Only responses are written to stdout; every diagnostic goes to stderr.

// Nothing but responses may reach stdout, so send console output to stderr.
console.log = console.error;
console.info = console.error;
console.debug = console.error;

const readline = require('node:readline');
const { makeStoreClasses } = require('./stores.js');

process.on('uncaughtException', (err) => {
  process.stderr.write(`peer: uncaught exception: ${err && err.stack ? err.stack : err}\n`);
});
process.on('unhandledRejection', (err) => {
  process.stderr.write(`peer: unhandled rejection: ${err && err.stack ? err.stack : err}\n`);
});

/** @type {typeof import('@signalapp/libsignal-client')} */
let S; // the package is ESM; loaded with import() in main().
let PACKAGE_VERSION = 'unknown';

// ---------------------------------------------------------------------------------------------
// Argument helpers

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function bytes(args, name) {
  const v = args[name];
  if (typeof v !== 'string') {
    throw new TypeError(`argument '${name}' must be a base64 string`);
  }
  if (!BASE64.test(v)) {
    throw new TypeError(`argument '${name}' is not valid base64`);
  }
  // A fresh Uint8Array over its own ArrayBuffer (Buffer.from may return a slice of a shared pool).
  return new Uint8Array(Buffer.from(v, 'base64'));
}

function optBytes(args, name) {
  const v = args[name];
  return v === undefined || v === null ? null : bytes(args, name);
}

function int(args, name) {
  const v = args[name];
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new TypeError(`argument '${name}' must be an integer`);
  }
  return v;
}

function optInt(args, name) {
  const v = args[name];
  return v === undefined || v === null ? null : int(args, name);
}

function str(args, name) {
  const v = args[name];
  if (typeof v !== 'string') {
    throw new TypeError(`argument '${name}' must be a string`);
  }
  return v;
}

function array(args, name) {
  const v = args[name];
  if (!Array.isArray(v)) {
    throw new TypeError(`argument '${name}' must be an array`);
  }
  return v;
}

// A distribution id: a UUID string, kept lower-case (libsignal's stringify form).
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function uuidArg(args, name) {
  const v = str(args, name);
  if (!UUID.test(v)) {
    throw new TypeError(`argument '${name}' must be a UUID string`);
  }
  return v.toLowerCase();
}

function b64(u8) {
  return Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength).toString('base64');
}

// ---------------------------------------------------------------------------------------------
// In-memory stores (stores.js, shared with benchmarks/compare-libsignal): records are kept
// serialized; a missing session, identity or sender key is `null`, a missing prekey throws.

/** @type {ReturnType<typeof import('./stores.js').makeStoreClasses>} */
let Stores; // made in main(), once S is loaded.

// ---------------------------------------------------------------------------------------------
// Parties: named libsignal clients that live in this process, each with its own identity and
// stores, so that whole sessions can run inside libsignal.

const parties = new Map();

function party(name) {
  const p = parties.get(name);
  if (p === undefined) {
    throw new Error(`no party named '${name}' (partyCreate first)`);
  }
  return p;
}

function remoteAddress(a) {
  return S.ProtocolAddress.new(str(a, 'remoteName'), int(a, 'remoteDeviceId'));
}

function nowArg(a) {
  const now = optInt(a, 'now');
  return now === null ? new Date() : new Date(now);
}

// The 11 PreKeyBundle fields, named as makeBundle returns them.
function bundleFromArgs(a) {
  const preKeyId = optInt(a, 'preKeyId');
  const preKeyPublic = optBytes(a, 'preKeyPublic');
  return S.PreKeyBundle.new(
    int(a, 'registrationId'),
    int(a, 'deviceId'),
    preKeyId,
    preKeyPublic === null ? null : S.PublicKey.deserialize(preKeyPublic),
    int(a, 'signedPreKeyId'),
    S.PublicKey.deserialize(bytes(a, 'signedPreKeyPublic')),
    bytes(a, 'signedPreKeySignature'),
    S.PublicKey.deserialize(bytes(a, 'identityKey')),
    int(a, 'kyberPreKeyId'),
    S.KEMPublicKey.deserialize(bytes(a, 'kyberPreKeyPublic')),
    bytes(a, 'kyberPreKeySignature'),
  );
}

// ---------------------------------------------------------------------------------------------
// Group members: named libsignal devices with a sender-key store, for sender-key (group) messaging.

const groupMembers = new Map();

function groupMember(name) {
  const m = groupMembers.get(name);
  if (m === undefined) {
    throw new Error(`no group member named '${name}' (groupMemberCreate first)`);
  }
  return m;
}

function senderAddress(a) {
  return S.ProtocolAddress.new(str(a, 'senderName'), int(a, 'senderDeviceId'));
}

// One group message for the batch ops: the outcome of each, so one refusal does not hide the rest.
// Decrypts a 1:1 message for party p from address; type is 3 (PreKey) or 2 (Whisper).
async function partyDecryptOne(p, address, type, serialized) {
  if (type === S.CiphertextMessageType.PreKey) {
    return S.signalDecryptPreKey(
      S.PreKeySignalMessage.deserialize(serialized), address, p.address, p.sessionStore, p.identityStore,
      p.preKeyStore, p.signedPreKeyStore, p.kyberPreKeyStore);
  }
  if (type === S.CiphertextMessageType.Whisper) {
    return S.signalDecrypt(S.SignalMessage.deserialize(serialized), address, p.address, p.sessionStore, p.identityStore);
  }
  throw new TypeError(`argument 'type' must be 2 (Whisper) or 3 (PreKey), not ${type}`);
}

async function groupDecryptOne(m, sender, serialized) {
  try {
    return { ok: true, plaintext: b64(await S.groupDecrypt(sender, m.senderKeyStore, serialized)) };
  } catch (err) {
    return { ok: false, error: errorText(err) };
  }
}

// ---------------------------------------------------------------------------------------------
// Operations

function keyPairResult(privateKey) {
  return { privateKey: b64(privateKey.serialize()), publicKey: b64(privateKey.getPublicKey().serialize()) };
}

function identityResult(pair) {
  return {
    serialized: b64(pair.serialize()),
    publicKey: b64(pair.publicKey.serialize()),
    privateKey: b64(pair.privateKey.serialize()),
  };
}

function kyberRecordResult(record) {
  return {
    id: record.id(),
    timestamp: record.timestamp(),
    publicKey: b64(record.publicKey().serialize()),
    secretKey: b64(record.secretKey().serialize()),
    signature: b64(record.signature()),
    serialized: b64(record.serialize()),
  };
}

const ops = {
  ping() {
    return { version: PACKAGE_VERSION };
  },

  // --- EC keys --------------------------------------------------------------------------------
  privateKeyGenerate() {
    return keyPairResult(S.PrivateKey.generate());
  },
  privateKeyGenerateBatch(a) {
    const count = int(a, 'count');
    const keys = [];
    for (let i = 0; i < count; i++) {
      keys.push(keyPairResult(S.PrivateKey.generate()));
    }
    return { keys };
  },
  privateKeyDeserialize(a) {
    return keyPairResult(S.PrivateKey.deserialize(bytes(a, 'privateKey')));
  },
  publicKeyDeserialize(a) {
    return { publicKey: b64(S.PublicKey.deserialize(bytes(a, 'publicKey')).serialize()) };
  },
  sign(a) {
    const key = S.PrivateKey.deserialize(bytes(a, 'privateKey'));
    return { signature: b64(key.sign(bytes(a, 'message'))) };
  },
  signBatch(a) {
    const signatures = array(a, 'items').map((item) => {
      const key = S.PrivateKey.deserialize(bytes(item, 'privateKey'));
      return b64(key.sign(bytes(item, 'message')));
    });
    return { signatures };
  },
  verify(a) {
    const key = S.PublicKey.deserialize(bytes(a, 'publicKey'));
    return { valid: key.verify(bytes(a, 'message'), bytes(a, 'signature')) };
  },
  verifyBatch(a) {
    const valid = array(a, 'items').map((item) => {
      const key = S.PublicKey.deserialize(bytes(item, 'publicKey'));
      return key.verify(bytes(item, 'message'), bytes(item, 'signature'));
    });
    return { valid };
  },
  agree(a) {
    const priv = S.PrivateKey.deserialize(bytes(a, 'privateKey'));
    const pub = S.PublicKey.deserialize(bytes(a, 'publicKey'));
    return { shared: b64(priv.agree(pub)) };
  },

  // --- identity -------------------------------------------------------------------------------
  identityKeyPairGenerate() {
    return identityResult(S.IdentityKeyPair.generate());
  },
  identityKeyPairDeserialize(a) {
    return identityResult(S.IdentityKeyPair.deserialize(bytes(a, 'serialized')));
  },

  // --- KEM ------------------------------------------------------------------------------------
  kemKeyPairGenerate() {
    const pair = S.KEMKeyPair.generate();
    return { publicKey: b64(pair.getPublicKey().serialize()), secretKey: b64(pair.getSecretKey().serialize()) };
  },
  kemPublicKeyDeserialize(a) {
    return { publicKey: b64(S.KEMPublicKey.deserialize(bytes(a, 'publicKey')).serialize()) };
  },
  kemSecretKeyDeserialize(a) {
    return { secretKey: b64(S.KEMSecretKey.deserialize(bytes(a, 'secretKey')).serialize()) };
  },

  // --- prekey records -------------------------------------------------------------------------
  preKeyRecordNew(a) {
    const record = S.PreKeyRecord.new(
      int(a, 'id'),
      S.PublicKey.deserialize(bytes(a, 'publicKey')),
      S.PrivateKey.deserialize(bytes(a, 'privateKey')),
    );
    return { serialized: b64(record.serialize()) };
  },
  preKeyRecordDeserialize(a) {
    const record = S.PreKeyRecord.deserialize(bytes(a, 'serialized'));
    return {
      id: record.id(),
      publicKey: b64(record.publicKey().serialize()),
      privateKey: b64(record.privateKey().serialize()),
      serialized: b64(record.serialize()),
    };
  },
  signedPreKeyRecordNew(a) {
    const record = S.SignedPreKeyRecord.new(
      int(a, 'id'),
      int(a, 'timestamp'),
      S.PublicKey.deserialize(bytes(a, 'publicKey')),
      S.PrivateKey.deserialize(bytes(a, 'privateKey')),
      bytes(a, 'signature'),
    );
    return { serialized: b64(record.serialize()) };
  },
  signedPreKeyRecordDeserialize(a) {
    const record = S.SignedPreKeyRecord.deserialize(bytes(a, 'serialized'));
    return {
      id: record.id(),
      timestamp: record.timestamp(),
      publicKey: b64(record.publicKey().serialize()),
      privateKey: b64(record.privateKey().serialize()),
      signature: b64(record.signature()),
      serialized: b64(record.serialize()),
    };
  },
  kyberPreKeyRecordGenerate(a) {
    const signingKey = S.PrivateKey.deserialize(bytes(a, 'signingKey'));
    const pair = S.KEMKeyPair.generate();
    const signature = signingKey.sign(pair.getPublicKey().serialize());
    const record = S.KyberPreKeyRecord.new(int(a, 'id'), int(a, 'timestamp'), pair, signature);
    return kyberRecordResult(record);
  },
  kyberPreKeyRecordDeserialize(a) {
    return kyberRecordResult(S.KyberPreKeyRecord.deserialize(bytes(a, 'serialized')));
  },

  // --- sessions -------------------------------------------------------------------------------
  makeBundle(a) {
    const registrationId = int(a, 'registrationId');
    const deviceId = int(a, 'deviceId');
    const preKeyId = optInt(a, 'preKeyId');
    const signedPreKeyId = int(a, 'signedPreKeyId');
    const kyberPreKeyId = int(a, 'kyberPreKeyId');
    const timestamp = optInt(a, 'timestamp') ?? Date.now();

    const identity = S.IdentityKeyPair.generate();

    let preKeyRecord = null;
    if (preKeyId !== null) {
      const preKey = S.PrivateKey.generate();
      preKeyRecord = S.PreKeyRecord.new(preKeyId, preKey.getPublicKey(), preKey);
    }

    const signedPreKey = S.PrivateKey.generate();
    const signedPreKeyPublic = signedPreKey.getPublicKey();
    const signedPreKeySignature = identity.privateKey.sign(signedPreKeyPublic.serialize());
    const signedPreKeyRecord = S.SignedPreKeyRecord.new(
      signedPreKeyId, timestamp, signedPreKeyPublic, signedPreKey, signedPreKeySignature);

    const kyberPair = S.KEMKeyPair.generate();
    const kyberPreKeySignature = identity.privateKey.sign(kyberPair.getPublicKey().serialize());
    const kyberPreKeyRecord = S.KyberPreKeyRecord.new(kyberPreKeyId, timestamp, kyberPair, kyberPreKeySignature);

    return {
      registrationId,
      deviceId,
      preKeyId,
      preKeyPublic: preKeyRecord ? b64(preKeyRecord.publicKey().serialize()) : null,
      signedPreKeyId,
      signedPreKeyPublic: b64(signedPreKeyPublic.serialize()),
      signedPreKeySignature: b64(signedPreKeySignature),
      identityKey: b64(identity.publicKey.serialize()),
      kyberPreKeyId,
      kyberPreKeyPublic: b64(kyberPair.getPublicKey().serialize()),
      kyberPreKeySignature: b64(kyberPreKeySignature),
      identityPrivate: b64(identity.privateKey.serialize()),
      // The owner's side, for ops that later have to answer as the bundle's owner.
      identitySerialized: b64(identity.serialize()),
      preKeyRecord: preKeyRecord ? b64(preKeyRecord.serialize()) : null,
      signedPreKeyRecord: b64(signedPreKeyRecord.serialize()),
      kyberPreKeyRecord: b64(kyberPreKeyRecord.serialize()),
      timestamp,
    };
  },

  async processBundle(a) {
    const bundle = bundleFromArgs(a);
    const localIdentity = S.IdentityKeyPair.deserialize(bytes(a, 'localIdentity'));
    const sessionStore = new Stores.SessionStore();
    const identityStore = new Stores.IdentityKeyStore(localIdentity, int(a, 'localRegistrationId'));
    const address = S.ProtocolAddress.new(str(a, 'remoteName'), int(a, 'remoteDeviceId'));
    const localAddress = S.ProtocolAddress.new(
      typeof a.localName === 'string' ? a.localName : '9d0652a3-dcc3-4d11-975f-74d61598733f',
      optInt(a, 'localDeviceId') ?? 1,
    );
    const now = optInt(a, 'now');
    await S.processPreKeyBundle(
      bundle, address, localAddress, sessionStore, identityStore, now === null ? new Date() : new Date(now));
    const record = await sessionStore.getSession(address);
    if (record === null) {
      throw new Error('processPreKeyBundle completed but stored no session');
    }
    return { ok: true, sessionRecord: b64(record.serialize()) };
  },

  // --- parties: 1:1 sessions with libsignal on both ends -----------------------------------
  // A party is created once per name (partyCreate replaces an existing one) and holds its
  // identity, registration id, device id and all five stores. Its own address is
  // (name, deviceId); the remote side is named by remoteName and remoteDeviceId.
  async partyCreate(a) {
    const name = str(a, 'name');
    const deviceId = int(a, 'deviceId');
    const registrationId = int(a, 'registrationId');
    const identity = S.IdentityKeyPair.generate();
    const sessionStore = new Stores.SessionStore();
    const identityStore = new Stores.IdentityKeyStore(identity, registrationId);
    const preKeyStore = new Stores.PreKeyStore();
    const signedPreKeyStore = new Stores.SignedPreKeyStore();
    const kyberPreKeyStore = new Stores.KyberPreKeyStore();
    const timestamp = Date.now();

    const signedPreKeyId = 1;
    const signedPreKey = S.PrivateKey.generate();
    const signedPreKeySignature = identity.privateKey.sign(signedPreKey.getPublicKey().serialize());
    await signedPreKeyStore.saveSignedPreKey(signedPreKeyId, S.SignedPreKeyRecord.new(
      signedPreKeyId, timestamp, signedPreKey.getPublicKey(), signedPreKey, signedPreKeySignature));

    // The party's only Kyber prekey is a last-resort one: every bundle offers it.
    const kyberPreKeyId = 1;
    const kyberPair = S.KEMKeyPair.generate();
    const kyberSignature = identity.privateKey.sign(kyberPair.getPublicKey().serialize());
    await kyberPreKeyStore.saveKyberPreKey(
      kyberPreKeyId, S.KyberPreKeyRecord.new(kyberPreKeyId, timestamp, kyberPair, kyberSignature), true);

    parties.set(name, {
      name,
      deviceId,
      registrationId,
      identity,
      address: S.ProtocolAddress.new(name, deviceId),
      sessionStore,
      identityStore,
      preKeyStore,
      signedPreKeyStore,
      kyberPreKeyStore,
      nextPreKeyId: 1,
      signedPreKeyId,
      kyberPreKeyId,
    });
    return { identityKey: b64(identity.publicKey.serialize()), registrationId };
  },

  // The party's bundle; withOneTimePreKey mints and stores a fresh one-time prekey (ids 1, 2, ...).
  async partyBundle(a) {
    const p = party(str(a, 'name'));
    let preKeyId = null;
    let preKeyPublic = null;
    if (a.withOneTimePreKey === true) {
      preKeyId = p.nextPreKeyId++;
      const preKey = S.PrivateKey.generate();
      await p.preKeyStore.savePreKey(preKeyId, S.PreKeyRecord.new(preKeyId, preKey.getPublicKey(), preKey));
      preKeyPublic = b64(preKey.getPublicKey().serialize());
    } else if (a.withOneTimePreKey !== undefined && a.withOneTimePreKey !== false && a.withOneTimePreKey !== null) {
      throw new TypeError("argument 'withOneTimePreKey' must be a boolean");
    }
    const signedPreKey = await p.signedPreKeyStore.getSignedPreKey(p.signedPreKeyId);
    const kyberPreKey = await p.kyberPreKeyStore.getKyberPreKey(p.kyberPreKeyId);
    return {
      registrationId: p.registrationId,
      deviceId: p.deviceId,
      preKeyId,
      preKeyPublic,
      signedPreKeyId: p.signedPreKeyId,
      signedPreKeyPublic: b64(signedPreKey.publicKey().serialize()),
      signedPreKeySignature: b64(signedPreKey.signature()),
      identityKey: b64(p.identity.publicKey.serialize()),
      kyberPreKeyId: p.kyberPreKeyId,
      kyberPreKeyPublic: b64(kyberPreKey.publicKey().serialize()),
      kyberPreKeySignature: b64(kyberPreKey.signature()),
    };
  },

  async partyProcessBundle(a) {
    const p = party(str(a, 'name'));
    const address = remoteAddress(a);
    await S.processPreKeyBundle(bundleFromArgs(a), address, p.address, p.sessionStore, p.identityStore, nowArg(a));
    const record = await p.sessionStore.getSession(address);
    if (record === null) {
      throw new Error('processPreKeyBundle completed but stored no session');
    }
    return { sessionRecord: b64(record.serialize()) };
  },

  // type is CiphertextMessageType: 3 = PreKey (the session is not yet acknowledged), 2 = Whisper.
  async partyEncrypt(a) {
    const p = party(str(a, 'name'));
    const message = await S.signalEncrypt(
      bytes(a, 'plaintext'), remoteAddress(a), p.address, p.sessionStore, p.identityStore, nowArg(a));
    return { type: message.type(), serialized: b64(message.serialize()) };
  },

  async partyDecrypt(a) {
    const p = party(str(a, 'name'));
    return { plaintext: b64(await partyDecryptOne(p, remoteAddress(a), int(a, 'type'), bytes(a, 'serialized'))) };
  },

  // Encrypts count messages to one remote ("<prefix><i>" as UTF-8, i from 0) and returns those with
  // i >= keepFrom (default 0): a long run in one direction, optionally with the first ones lost.
  async partyEncryptBatch(a) {
    const p = party(str(a, 'name'));
    const address = remoteAddress(a);
    const count = int(a, 'count');
    const keepFrom = optInt(a, 'keepFrom') ?? 0;
    const prefix = typeof a.prefix === 'string' ? a.prefix : '';
    const messages = [];
    for (let i = 0; i < count; i++) {
      const message = await S.signalEncrypt(
        Buffer.from(`${prefix}${i}`, 'utf8'), address, p.address, p.sessionStore, p.identityStore, nowArg(a));
      if (i >= keepFrom) {
        messages.push({ type: message.type(), serialized: b64(message.serialize()) });
      }
    }
    return { messages };
  },
  // items: [{type, serialized}] from one remote, decrypted in order. Each result is
  // {ok: true, plaintext} or {ok: false, error}; a failure does not stop the batch.
  async partyDecryptBatch(a) {
    const p = party(str(a, 'name'));
    const address = remoteAddress(a);
    const items = array(a, 'items').map((item) => ({ type: int(item, 'type'), serialized: bytes(item, 'serialized') }));
    const results = [];
    for (const { type, serialized } of items) {
      try {
        results.push({ ok: true, plaintext: b64(await partyDecryptOne(p, address, type, serialized)) });
      } catch (err) {
        results.push({ ok: false, error: errorText(err) });
      }
    }
    return { results };
  },
  // Replaces the party's identity key pair (a reinstall): sessions, prekeys and trust stay as stored.
  async partyResetIdentity(a) {
    const p = party(str(a, 'name'));
    p.identity = S.IdentityKeyPair.generate();
    p.identityStore.identity = p.identity;
    // New signed and Kyber prekeys under the new identity, as a reinstalled app would publish.
    const timestamp = Date.now();
    p.signedPreKeyId += 1;
    const signedPreKey = S.PrivateKey.generate();
    await p.signedPreKeyStore.saveSignedPreKey(p.signedPreKeyId, S.SignedPreKeyRecord.new(
      p.signedPreKeyId, timestamp, signedPreKey.getPublicKey(), signedPreKey,
      p.identity.privateKey.sign(signedPreKey.getPublicKey().serialize())));
    p.kyberPreKeyId += 1;
    const kyberPair = S.KEMKeyPair.generate();
    await p.kyberPreKeyStore.saveKyberPreKey(p.kyberPreKeyId, S.KyberPreKeyRecord.new(
      p.kyberPreKeyId, timestamp, kyberPair, p.identity.privateKey.sign(kyberPair.getPublicKey().serialize())), true);
    return { identityKey: b64(p.identity.publicKey.serialize()) };
  },

  // Puts a session record made elsewhere (ours) into the party's session store for the remote address,
  // as if the party had written it: the conversation then continues from that record.
  async partyImportSession(a) {
    const p = party(str(a, 'name'));
    const record = S.SessionRecord.deserialize(bytes(a, 'serialized'));
    await p.sessionStore.saveSession(remoteAddress(a), record);
    return { hasCurrentState: record.hasCurrentState(nowArg(a)) };
  },

  // The party's stored session with the remote address; serialized is null when there is none.
  async partySessionRecord(a) {
    const p = party(str(a, 'name'));
    const record = await p.sessionStore.getSession(remoteAddress(a));
    if (record === null) {
      return { serialized: null };
    }
    return {
      serialized: b64(record.serialize()),
      localRegistrationId: record.localRegistrationId(),
      remoteRegistrationId: record.remoteRegistrationId(),
      hasCurrentState: record.hasCurrentState(nowArg(a)),
    };
  },

  // A session record from elsewhere (ours), read and written back by libsignal.
  sessionRecordDeserialize(a) {
    const record = S.SessionRecord.deserialize(bytes(a, 'serialized'));
    return {
      serialized: b64(record.serialize()),
      localRegistrationId: record.localRegistrationId(),
      remoteRegistrationId: record.remoteRegistrationId(),
      hasCurrentState: record.hasCurrentState(nowArg(a)),
    };
  },

  // What libsignal's Node API exposes of a parsed message. Not exposed by 0.103 (not even in
  // Native): SignalMessage's sender ratchet key, previous counter and MAC; PreKeySignalMessage's
  // base key, identity key, Kyber prekey id, Kyber ciphertext and inner SignalMessage.
  parseSignalMessage(a) {
    const m = S.SignalMessage.deserialize(bytes(a, 'serialized'));
    return {
      messageVersion: m.messageVersion(),
      counter: m.counter(),
      body: b64(m.body()),
      pqRatchet: b64(m.pqRatchet()),
      serialized: b64(m.serialize()),
    };
  },
  parsePreKeySignalMessage(a) {
    const m = S.PreKeySignalMessage.deserialize(bytes(a, 'serialized'));
    return {
      version: m.version(),
      registrationId: m.registrationId(),
      preKeyId: m.preKeyId(),
      signedPreKeyId: m.signedPreKeyId(),
      serialized: b64(m.serialize()),
    };
  },

  // --- group members: sender keys ---------------------------------------------------------------
  // A group member is created once per name (groupMemberCreate replaces an existing one) and
  // holds a sender-key store. Its own address is (name, deviceId); the sending member of a
  // received message or distribution message is named by senderName and senderDeviceId.
  groupMemberCreate(a) {
    const name = str(a, 'name');
    const deviceId = int(a, 'deviceId');
    groupMembers.set(name, {
      name,
      deviceId,
      address: S.ProtocolAddress.new(name, deviceId),
      senderKeyStore: new Stores.SenderKeyStore(),
    });
    return { name, deviceId };
  },

  // The member's own distribution message (creates its sender key on first use).
  async groupCreateDistribution(a) {
    const m = groupMember(str(a, 'name'));
    const message = await S.SenderKeyDistributionMessage.create(m.address, uuidArg(a, 'distributionId'), m.senderKeyStore);
    return { serialized: b64(message.serialize()) };
  },

  async groupProcessDistribution(a) {
    const m = groupMember(str(a, 'name'));
    await S.processSenderKeyDistributionMessage(
      senderAddress(a), S.SenderKeyDistributionMessage.deserialize(bytes(a, 'serialized')), m.senderKeyStore);
    return {};
  },

  // type is CiphertextMessageType.SenderKey (7); serialized is the SenderKeyMessage.
  async groupEncrypt(a) {
    const m = groupMember(str(a, 'name'));
    const message = await S.groupEncrypt(m.address, uuidArg(a, 'distributionId'), m.senderKeyStore, bytes(a, 'plaintext'));
    return { type: message.type(), serialized: b64(message.serialize()) };
  },
  async groupEncryptBatch(a) {
    const m = groupMember(str(a, 'name'));
    const distributionId = uuidArg(a, 'distributionId');
    const plaintexts = array(a, 'plaintexts').map((_, i, all) => bytes(all, i));
    const messages = [];
    for (const plaintext of plaintexts) {
      const message = await S.groupEncrypt(m.address, distributionId, m.senderKeyStore, plaintext);
      messages.push(b64(message.serialize()));
    }
    return { messages };
  },
  // Encrypts count empty messages and drops them (messages lost on the way): moves the
  // member's chain on by count iterations without shipping the messages.
  async groupEncryptDiscard(a) {
    const m = groupMember(str(a, 'name'));
    const distributionId = uuidArg(a, 'distributionId');
    const count = int(a, 'count');
    const empty = new Uint8Array(0);
    for (let i = 0; i < count; i++) {
      await S.groupEncrypt(m.address, distributionId, m.senderKeyStore, empty);
    }
    return { count };
  },

  async groupDecrypt(a) {
    const m = groupMember(str(a, 'name'));
    return { plaintext: b64(await S.groupDecrypt(senderAddress(a), m.senderKeyStore, bytes(a, 'serialized'))) };
  },
  // items: [{senderName, senderDeviceId, serialized}], decrypted in order. Each result is
  // {ok: true, plaintext} or {ok: false, error} (the error text as an ok:false response carries it).
  async groupDecryptBatch(a) {
    const m = groupMember(str(a, 'name'));
    const items = array(a, 'items').map((item) => ({ sender: senderAddress(item), serialized: bytes(item, 'serialized') }));
    const results = [];
    for (const { sender, serialized } of items) {
      results.push(await groupDecryptOne(m, sender, serialized));
    }
    return { results };
  },

  // The member's stored SenderKeyRecord for (sender, distribution); serialized is null when there is none.
  async groupSenderKeyRecord(a) {
    const m = groupMember(str(a, 'name'));
    const record = await m.senderKeyStore.getSenderKey(senderAddress(a), uuidArg(a, 'distributionId'));
    return { serialized: record === null ? null : b64(record.serialize()) };
  },

  // What the Node API exposes of sender-key messages. 0.103 exposes neither message's version
  // byte nor the distribution message's signing key (nor the group message's signature); with
  // signingKey, parseSenderKeyMessage also reports libsignal's verifySignature.
  parseSenderKeyMessage(a) {
    const m = S.SenderKeyMessage.deserialize(bytes(a, 'serialized'));
    const signingKey = optBytes(a, 'signingKey');
    return {
      distributionId: m.distributionId(),
      chainId: m.chainId(),
      iteration: m.iteration(),
      ciphertext: b64(m.ciphertext()),
      serialized: b64(m.serialize()),
      signatureValid: signingKey === null ? null : m.verifySignature(S.PublicKey.deserialize(signingKey)),
    };
  },
  parseSenderKeyDistributionMessage(a) {
    const m = S.SenderKeyDistributionMessage.deserialize(bytes(a, 'serialized'));
    return {
      distributionId: m.distributionId(),
      chainId: m.chainId(),
      iteration: m.iteration(),
      chainKey: b64(m.chainKey()),
      serialized: b64(m.serialize()),
    };
  },
  // libsignal's own encoding of a version-3 distribution message with these fields.
  senderKeyDistributionMessageNew(a) {
    const m = S.SenderKeyDistributionMessage._new(
      3, uuidArg(a, 'distributionId'), int(a, 'chainId'), int(a, 'iteration'), bytes(a, 'chainKey'),
      S.PublicKey.deserialize(bytes(a, 'signingKey')));
    return { serialized: b64(m.serialize()) };
  },

  // --- fingerprints ---------------------------------------------------------------------------
  fingerprint(a) {
    const fp = S.Fingerprint.new(
      int(a, 'iterations'),
      int(a, 'version'),
      bytes(a, 'localId'),
      S.PublicKey.deserialize(bytes(a, 'localKey')),
      bytes(a, 'remoteId'),
      S.PublicKey.deserialize(bytes(a, 'remoteKey')),
    );
    return {
      displayable: fp.displayableFingerprint().toString(),
      scannable: b64(fp.scannableFingerprint().toBuffer()),
    };
  },
  scannableCompare(a) {
    const left = S.ScannableFingerprint._fromBuffer(bytes(a, 'a'));
    const right = S.ScannableFingerprint._fromBuffer(bytes(a, 'b'));
    return { equal: left.compare(right) };
  },

  // --- KDF ------------------------------------------------------------------------------------
  hkdf(a) {
    return { okm: b64(S.hkdf(int(a, 'length'), bytes(a, 'ikm'), bytes(a, 'info'), optBytes(a, 'salt'))) };
  },
};

// ---------------------------------------------------------------------------------------------
// Request loop

function errorText(err) {
  if (err instanceof Error) {
    // libsignal's errors are all LibSignalErrorBase; their `name` is the specific error code
    // (InvalidSignature, InvalidKey, ...), which is what a test wants to see.
    const name = err.name || (err.constructor && err.constructor.name) || 'Error';
    return `${name}: ${err.message}`;
  }
  return `Error: ${String(err)}`;
}

function write(response) {
  process.stdout.write(JSON.stringify(response) + '\n');
}

async function handle(line) {
  let request;
  try {
    request = JSON.parse(line);
  } catch (err) {
    write({ id: null, ok: false, error: `SyntaxError: request is not JSON: ${err.message}` });
    return;
  }
  const id = request !== null && typeof request === 'object' && 'id' in request ? request.id : null;
  try {
    if (request === null || typeof request !== 'object' || Array.isArray(request)) {
      throw new TypeError('request must be a JSON object');
    }
    const op = request.op;
    if (typeof op !== 'string' || !Object.prototype.hasOwnProperty.call(ops, op)) {
      throw new Error(`unknown op '${op}'`);
    }
    const args = Object.prototype.hasOwnProperty.call(request, 'args') ? request.args : request;
    if (args === null || typeof args !== 'object' || Array.isArray(args)) {
      throw new TypeError("'args' must be a JSON object");
    }
    const result = await ops[op](args);
    write({ id, ok: true, result: result === undefined ? null : result });
  } catch (err) {
    const response = { id, ok: false, error: errorText(err) };
    if (err && typeof err === 'object') {
      if (err.constructor && err.constructor.name) {
        response.errorClass = err.constructor.name;
      }
      if (err.code !== undefined) {
        response.code = err.code;
      }
    }
    write(response);
  }
}

async function main() {
  S = await import('@signalapp/libsignal-client');
  Stores = makeStoreClasses(S, { keepRecordObjects: false });
  PACKAGE_VERSION = require('@signalapp/libsignal-client/package.json').version;

  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  for await (const line of rl) {
    if (line.trim() === '') {
      continue;
    }
    await handle(line);
  }
}

main().catch((err) => {
  process.stderr.write(`peer: fatal: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
