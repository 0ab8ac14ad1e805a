import assert from 'node:assert/strict';
import { join } from 'node:path';
import { AuditTrail, verifyConsistencyProof, verifyInclusionProof } from '../../src';
import type { InclusionProof } from '../../src';
import { describeEachTrailStore, newKeys, writeTrail } from './support/trail-kit';

describeEachTrailStore('A keyed, signed and witnessed trail', (kit) => {
  it('verifies with the chain key, the public key and the witness, and says it is keyed', async () => {
    const { directory, newStore } = kit();
    const keys = newKeys(directory);
    const trailStore = newStore();
    const store = trailStore.open();
    await writeTrail(
      store,
      { chainKey: keys.chainKey, signingKey: keys.privateKey, witness: keys.witness },
      {
        spool: join(directory, 'spool'),
      },
    );
    const trail = new AuditTrail(trailStore.open());
    const result = await trail.verify({
      chainKey: keys.chainKey,
      publicKey: keys.publicKey,
      witness: keys.witness,
    });
    assert.equal(result.ok, true, result.firstBreak?.reason);
    assert.equal(result.records, 20);
    assert.equal(result.keyed, true);
    assert.deepEqual(result.checkpoints, { total: 4, signed: 4, verified: 4 });
    assert.deepEqual(
      result.witness?.map((w) => w.checkpoints),
      [4],
    );
    assert.deepEqual(result.warnings, []);
    const records = await trailStore.records('main');
    assert.ok(records.every((r) => r.keyId?.startsWith('hmac-')));
    await trail.store.close();
  });

  it('reports an unkeyed chain with a warning of what that allows', async () => {
    const { directory, newStore } = kit();
    const trailStore = newStore();
    await writeTrail(trailStore.open(), {}, { spool: join(directory, 'spool'), batches: 1 });
    const trail = new AuditTrail(trailStore.open());
    const result = await trail.verify();
    assert.equal(result.ok, true);
    assert.equal(result.keyed, false);
    assert.match(result.warnings?.[0] ?? '', /not keyed: anyone who can write to the audit table/);
    await trail.store.close();
  });

  it('proves a record and the growth of the log offline, and a changed proof fails', async () => {
    const { directory, newStore } = kit();
    const keys = newKeys(directory);
    const trailStore = newStore();
    const ids = await writeTrail(
      trailStore.open(),
      { chainKey: keys.chainKey, signingKey: keys.privateKey },
      {
        spool: join(directory, 'spool'),
      },
    );
    const trail = new AuditTrail(trailStore.open());
    for (const id of [ids[0], ids[7], ids[19]]) {
      const proof = JSON.parse(JSON.stringify(await trail.prove(id))) as InclusionProof;
      assert.deepEqual(verifyInclusionProof(proof, keys.publicKey), { ok: true, treeSize: 20 });
      const forged = { ...proof, record: { ...proof.record, reason: 'forged' } };
      assert.match(verifyInclusionProof(forged, keys.publicKey).reason ?? '', /not in the log/);
    }
    const consistency = await trail.consistency({ stream: 'main', size: 5 });
    assert.deepEqual(verifyConsistencyProof(consistency, keys.publicKey), {
      ok: true,
      treeSize: 20,
    });
    const wrongKey = newKeys(directory).publicKey;
    assert.match(verifyConsistencyProof(consistency, wrongKey).reason ?? '', /another key/);
    await trail.store.close();
  });

  it('verifies a stream whose chain key rotated midway, given both keys', async () => {
    const { directory, newStore } = kit();
    const keys = newKeys(directory);
    const oldKey = { keyId: 'k2025', key: `${keys.chainKey}-old` };
    const newKey = { keyId: 'k2026', key: `${keys.chainKey}-new` };
    let current = oldKey;
    const trailStore = newStore();
    const spool = join(directory, 'spool');
    await writeTrail(
      trailStore.open(),
      { keyProvider: () => current, signingKey: keys.privateKey },
      {
        spool,
        batches: 2,
      },
    );
    current = newKey;
    await writeTrail(
      trailStore.open(),
      { keyProvider: () => current, signingKey: keys.privateKey },
      {
        spool,
        batches: 2,
      },
    );
    const records = await trailStore.records('main');
    assert.deepEqual([records[0].keyId, records[19].keyId], ['k2025', 'k2026']);
    const trail = new AuditTrail(trailStore.open());
    const both = await trail.verify({ chainKey: [oldKey, newKey], publicKey: keys.publicKey });
    assert.equal(both.ok, true, both.firstBreak?.reason);
    assert.equal(both.keyed, true);
    const provided = await trail.verify({
      keyProvider: (id) => [oldKey, newKey].find((k) => k.keyId === id),
    });
    assert.equal(provided.ok, true, provided.firstBreak?.reason);
    const onlyNew = await trail.verify({ chainKey: newKey });
    assert.match(
      onlyNew.firstBreak?.reason ?? '',
      /^unknown chain key: seq 1 names key id "k2025"/,
    );
    await trail.store.close();
  });
});
