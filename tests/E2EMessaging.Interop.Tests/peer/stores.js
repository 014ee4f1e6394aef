'use strict';
// In-memory libsignal stores, shared by the interop peer (peer.js) and libsignal's half of
// benchmarks/compare-libsignal (libsignal-bench.mjs, which loads this file with createRequire).
//
//   const { makeStoreClasses } = require('./stores.js');
//   const Stores = makeStoreClasses(S, { keepRecordObjects: false });
//   new Stores.SessionStore(); new Stores.IdentityKeyStore(identityKeyPair, registrationId); ...
//
// S is the loaded @signalapp/libsignal-client module (it is ESM, so the caller import()s it).
//
// The stores keep what a real host's database keeps: serialized bytes. Session, prekey, signed
// prekey, Kyber prekey and sender-key records are serialize()d on save and deserialize()d on load;
// identity keys are kept as their serialized bytes. As in libsignal's own in-memory stores, a
// missing session, identity or sender key is `null`; a missing prekey, signed prekey or Kyber
// prekey throws (libsignal's JS store contract has no "not found" value for these).
//
// keepRecordObjects (a benchmark diagnostic, never used by the peer) keeps the SessionRecord and
// SenderKeyRecord objects instead of their bytes, to show what the (de)serialization costs.

function addressKey(address) {
  return `${address.name()}.${address.deviceId()}`;
}

function senderKeyKey(sender, distributionId) {
  return `${addressKey(sender)}/${distributionId.toLowerCase()}`;
}

function makeStoreClasses(S, options = {}) {
  const keepRecordObjects = options.keepRecordObjects === true;

  class InMemorySessionStore extends S.SessionStore {
    constructor() {
      super();
      this.sessions = new Map();
    }
    async saveSession(address, record) {
      this.sessions.set(addressKey(address), keepRecordObjects ? record : record.serialize());
    }
    async getSession(address) {
      const stored = this.sessions.get(addressKey(address));
      if (stored === undefined) {
        return null;
      }
      return keepRecordObjects ? stored : S.SessionRecord.deserialize(stored);
    }
    async getExistingSessions(addresses) {
      return addresses.map((address) => {
        const stored = this.sessions.get(addressKey(address));
        if (stored === undefined) {
          throw new Error(`no session for ${addressKey(address)}`);
        }
        return keepRecordObjects ? stored : S.SessionRecord.deserialize(stored);
      });
    }
    clear() {
      this.sessions.clear();
    }
    // The serialized size of the stored record (0 without one).
    size(address) {
      const stored = this.sessions.get(addressKey(address));
      if (stored === undefined) {
        return 0;
      }
      return keepRecordObjects ? stored.serialize().length : stored.length;
    }
  }

  class InMemoryIdentityKeyStore extends S.IdentityKeyStore {
    constructor(identityKeyPair, registrationId) {
      super();
      this.identity = identityKeyPair;
      this.registrationId = registrationId;
      this.identities = new Map(); // address key -> serialized PublicKey
    }
    async getIdentityKey() {
      return this.identity.privateKey;
    }
    async getIdentityKeyPair() {
      return this.identity;
    }
    async getLocalRegistrationId() {
      return this.registrationId;
    }
    async saveIdentity(address, key) {
      const k = addressKey(address);
      const serialized = key.serialize();
      const existing = this.identities.get(k);
      this.identities.set(k, serialized);
      return existing !== undefined && Buffer.compare(existing, serialized) !== 0
        ? S.IdentityChange.ReplacedExisting
        : S.IdentityChange.NewOrUnchanged;
    }
    async isTrustedIdentity(address, key, _direction) {
      const existing = this.identities.get(addressKey(address));
      return existing === undefined || Buffer.compare(existing, key.serialize()) === 0;
    }
    async getIdentity(address) {
      const existing = this.identities.get(addressKey(address));
      return existing === undefined ? null : S.PublicKey.deserialize(existing);
    }
  }

  class InMemoryPreKeyStore extends S.PreKeyStore {
    constructor() {
      super();
      this.records = new Map();
    }
    async savePreKey(id, record) {
      this.records.set(id, record.serialize());
    }
    async getPreKey(id) {
      const stored = this.records.get(id);
      if (stored === undefined) {
        throw new Error(`no prekey with id ${id}`);
      }
      return S.PreKeyRecord.deserialize(stored);
    }
    async removePreKey(id) {
      this.records.delete(id);
    }
  }

  class InMemorySignedPreKeyStore extends S.SignedPreKeyStore {
    constructor() {
      super();
      this.records = new Map();
    }
    async saveSignedPreKey(id, record) {
      this.records.set(id, record.serialize());
    }
    async getSignedPreKey(id) {
      const stored = this.records.get(id);
      if (stored === undefined) {
        throw new Error(`no signed prekey with id ${id}`);
      }
      return S.SignedPreKeyRecord.deserialize(stored);
    }
  }

  // One-time Kyber prekeys are deleted when used; a last-resort one (saved with isLastResort
  // true) stays, and the store refuses a second session start with the same
  // (Kyber id, signed prekey id, base key).
  class InMemoryKyberPreKeyStore extends S.KyberPreKeyStore {
    constructor() {
      super();
      this.records = new Map();
      this.lastResort = new Set();
      this.used = new Set();
    }
    async saveKyberPreKey(id, record, isLastResort = false) {
      this.records.set(id, record.serialize());
      if (isLastResort) {
        this.lastResort.add(id);
      } else {
        this.lastResort.delete(id);
      }
    }
    async getKyberPreKey(id) {
      const stored = this.records.get(id);
      if (stored === undefined) {
        throw new Error(`no Kyber prekey with id ${id}`);
      }
      return S.KyberPreKeyRecord.deserialize(stored);
    }
    async markKyberPreKeyUsed(id, signedPreKeyId, baseKey) {
      if (!this.lastResort.has(id)) {
        this.records.delete(id);
        return;
      }
      const triple = `${id}:${signedPreKeyId}:${Buffer.from(baseKey.serialize()).toString('base64')}`;
      if (this.used.has(triple)) {
        throw new Error(`Kyber prekey ${id} already used with signed prekey ${signedPreKeyId} and this base key`);
      }
      this.used.add(triple);
    }
  }

  // Sender-key records per (sender address, distribution id); the key is
  // "<name>.<deviceId>/<lower-case distribution id>".
  class InMemorySenderKeyStore extends S.SenderKeyStore {
    constructor() {
      super();
      this.records = new Map();
    }
    async saveSenderKey(sender, distributionId, record) {
      this.records.set(senderKeyKey(sender, distributionId), keepRecordObjects ? record : record.serialize());
    }
    async getSenderKey(sender, distributionId) {
      const stored = this.records.get(senderKeyKey(sender, distributionId));
      if (stored === undefined) {
        return null;
      }
      return keepRecordObjects ? stored : S.SenderKeyRecord.deserialize(stored);
    }
    // The serialized size of the stored record (0 without one).
    size(sender, distributionId) {
      const stored = this.records.get(senderKeyKey(sender, distributionId));
      if (stored === undefined) {
        return 0;
      }
      return keepRecordObjects ? stored.serialize().length : stored.length;
    }
  }

  return {
    SessionStore: InMemorySessionStore,
    IdentityKeyStore: InMemoryIdentityKeyStore,
    PreKeyStore: InMemoryPreKeyStore,
    SignedPreKeyStore: InMemorySignedPreKeyStore,
    KyberPreKeyStore: InMemoryKyberPreKeyStore,
    SenderKeyStore: InMemorySenderKeyStore,
  };
}

module.exports = { makeStoreClasses, addressKey };
