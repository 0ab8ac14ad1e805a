import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { AuditTrail } from '../../src';
import type { AuditRecord, VerifyResult } from '../../src';
import { hashRecord } from '../../src/store/chain-hash';
import { describeEachTrailStore, newKeys, writeTrail } from './support/trail-kit';
import type { TrailKeys, TrailStore } from './support/trail-kit';

/*
 * An insider with full write access to the audit tables (or files) but none of the keys:
 * every attack of the threat model, each caught by verify with the chain key, the public key
 * or the witness, as the case needs. The trail: 20 records in stream "main", keyed, with a
 * signed checkpoint every 5 records, each published to a witness directory.
 */

/** The plain SHA-256 chain recomputed from `from` on, as an insider without the key can. */
function rechainPlain(records: AuditRecord[], from: number): AuditRecord[] {
  let prevHash = from > 1 ? records[from - 2].hash : null;
  return records.map((record) => {
    if (record.seq < from) return record;
    const rewritten = { ...record, prevHash };
    delete rewritten.keyId;
    rewritten.hash = hashRecord(prevHash, rewritten);
    prevHash = rewritten.hash;
    return rewritten;
  });
}

describeEachTrailStore('Insider attacks on the trail', (kit) => {
  let keys: TrailKeys;

  async function seeded(): Promise<TrailStore> {
    const { directory, newStore } = kit();
    keys = newKeys(directory);
    const store = newStore();
    await writeTrail(
      store.open(),
      { chainKey: keys.chainKey, signingKey: keys.privateKey, witness: keys.witness },
      { spool: join(directory, 'spool') },
    );
    return store;
  }

  async function verify(
    store: TrailStore,
    what: 'key' | 'public key' | 'witness' | 'all',
  ): Promise<VerifyResult> {
    const trail = new AuditTrail(store.open());
    try {
      return await trail.verify({
        chainKey: what === 'key' || what === 'all' ? keys.chainKey : undefined,
        publicKey: what === 'public key' || what === 'all' ? keys.publicKey : undefined,
        witness: what === 'witness' || what === 'all' ? keys.witness : undefined,
      });
    } finally {
      await trail.store.close();
    }
  }

  const brokenAt = (result: VerifyResult) => [
    result.ok,
    result.firstBreak?.seq,
    result.firstBreak?.reason.split(':')[0],
  ];

  it('catches a value edited and the plain chain recomputed after it: with the key, and with the public key', async () => {
    const store = await seeded();
    const records = await store.records('main');
    records[6] = { ...records[6], after: { ...records[6].after, name: 'forged' } };
    await store.replaceRecords('main', rechainPlain(records, 7));
    assert.deepEqual(brokenAt(await verify(store, 'key')), [false, 7, 'unkeyed record']);
    assert.deepEqual(brokenAt(await verify(store, 'public key')), [
      false,
      10,
      'checkpoint mismatch',
    ]);
  });

  it('catches the last records deleted together with their checkpoints, through the witness', async () => {
    const store = await seeded();
    const records = await store.records('main');
    await store.replaceRecords('main', records.slice(0, 15));
    await store.replaceCheckpoints(
      'main',
      (await store.checkpoints('main')).filter((c) => c.seq <= 15),
    );
    // The store alone still looks whole: that is what the witness is for.
    assert.equal((await verify(store, 'key')).ok, true);
    const result = await verify(store, 'witness');
    assert.deepEqual(brokenAt(result), [false, 16, 'witness']);
    assert.match(
      result.firstBreak?.reason ?? '',
      /20 records but the store's chain ends at seq 15/,
    );
  });

  it('catches a record inserted with a forged hash, with the key', async () => {
    const store = await seeded();
    const records = await store.records('main');
    const last = records[records.length - 1];
    const forged: AuditRecord = {
      ...records[3],
      eventId: `forged-${last.eventId}`,
      seq: 21,
      prevHash: last.hash,
      hash: randomBytes(32).toString('hex'),
    };
    await store.replaceRecords('main', [...records, forged]);
    assert.deepEqual(brokenAt(await verify(store, 'key')), [false, 21, 'content changed']);
  });

  it('catches two records swapped, with the key', async () => {
    const store = await seeded();
    const records = await store.records('main');
    const [third, fourth] = [records[2], records[3]];
    records[2] = { ...fourth, seq: 3 };
    records[3] = { ...third, seq: 4 };
    await store.replaceRecords('main', records);
    const result = await verify(store, 'key');
    assert.deepEqual(result.firstBreak?.seq, 3);
    assert.match(result.firstBreak?.reason ?? '', /^(broken link|content changed)/);
  });

  it('catches a checkpoint replaced with an older one, with the public key', async () => {
    const store = await seeded();
    const checkpoints = await store.checkpoints('main');
    const older = checkpoints.find((c) => c.seq === 10);
    await store.replaceCheckpoints(
      'main',
      checkpoints.map((c) => (c.seq === 20 ? { ...c, note: older?.note, range: older?.range } : c)),
    );
    const result = await verify(store, 'public key');
    assert.deepEqual(brokenAt(result), [false, 20, 'checkpoint mismatch']);
    assert.match(result.firstBreak?.reason ?? '', /size 10 \(replaced by another checkpoint\)/);
  });

  it('catches a record replayed from another stream, with the key', async () => {
    const store = await seeded();
    const { directory } = kit();
    const other = store.open();
    await writeTrail(
      other,
      { chainKey: keys.chainKey, signingKey: keys.privateKey },
      {
        stream: 'other',
        batches: 1,
        spool: join(directory, 'spool-other'),
      },
    );
    const others = await store.records('other');
    const foreign = others[2];
    const records = await store.records('main');
    const replayed = { ...foreign, stream: 'main', seq: 21, prevHash: records[19].hash };
    // Event ids are unique in a store: the record moves from one stream to the other.
    await store.replaceRecords(
      'other',
      others.filter((r) => r !== foreign),
    );
    await store.replaceRecords('main', [...records, replayed]);
    assert.deepEqual(brokenAt(await verify(store, 'key')), [false, 21, 'content changed']);
  });

  it('catches the whole trail swapped for an older backup, through the witness', async () => {
    const { directory, newStore } = kit();
    keys = newKeys(directory);
    const store = newStore();
    const integrity = {
      chainKey: keys.chainKey,
      signingKey: keys.privateKey,
      witness: keys.witness,
    };
    const spool = join(directory, 'spool-backup');
    await writeTrail(store.open(), integrity, { spool, batches: 2 });
    const backup = {
      records: await store.records('main'),
      checkpoints: await store.checkpoints('main'),
    };
    await writeTrail(store.open(), integrity, { spool, batches: 2 });
    await store.replaceRecords('main', backup.records);
    await store.replaceCheckpoints('main', backup.checkpoints);
    assert.equal((await verify(store, 'key')).ok, true);
    assert.equal((await verify(store, 'public key')).ok, true);
    const result = await verify(store, 'all');
    assert.deepEqual(brokenAt(result), [false, 11, 'witness']);
  });
});
