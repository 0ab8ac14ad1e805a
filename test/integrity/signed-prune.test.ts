import assert from 'node:assert/strict';
import { join } from 'node:path';
import { AuditTrail, verifyConsistencyProof, verifyInclusionProof } from '../../src';
import { signPruneCheckpoints } from '../../src/integrity/signed-prune';
import { describeEachTrailStore, newKeys, writeTrail } from './support/trail-kit';

describeEachTrailStore('Pruning a signed trail', (kit) => {
  it('leaves a signed prune checkpoint: the rest verifies, proves, and the writer continues its tree', async () => {
    const { directory, newStore } = kit();
    const keys = newKeys(directory);
    const trailStore = newStore();
    const integrity = { chainKey: keys.chainKey, signingKey: keys.privateKey };
    const spool = join(directory, 'spool-prune');
    const ids = await writeTrail(trailStore.open(), integrity, { spool });
    const records = await trailStore.records('main');
    const before = new Date(records[7].occurredAt);

    const store = trailStore.open();
    const [prune] = await signPruneCheckpoints(store, before, keys.privateKey);
    assert.deepEqual([prune.seq, prune.kind, prune.range?.length], [7, 'prune', 3]);
    assert.equal((await store.prune(before)).removed, 7);
    await store.close();

    await writeTrail(trailStore.open(), integrity, { spool, batches: 1 });
    const trail = new AuditTrail(trailStore.open());
    const result = await trail.verify({ chainKey: keys.chainKey, publicKey: keys.publicKey });
    assert.equal(result.ok, true, result.firstBreak?.reason);
    assert.deepEqual([result.records, result.checkpoints?.verified], [18, 5]);
    const proof = await trail.prove(ids[10]);
    assert.deepEqual(verifyInclusionProof(proof, keys.publicKey), { ok: true, treeSize: 25 });
    const consistency = await trail.consistency({ stream: 'main', size: 7 });
    assert.deepEqual(verifyConsistencyProof(consistency, keys.publicKey), {
      ok: true,
      treeSize: 25,
    });
    await trail.store.close();
  });
});
