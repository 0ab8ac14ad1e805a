import assert from 'node:assert/strict';
import type { AuditStore } from '../../../src';
import { hashRecord } from '../../../src/store/chain-hash';
import { verifyChains } from '../../../src/store/verify-chains';
import { makeChain } from './events';

/**
 * The behaviour every readable AuditStore shares. `open` returns a fresh, initialized store
 * over a fresh location each time it is called with a new name, and the same location for
 * the same name.
 */
export function storeContract(openStore: (name: string) => Promise<AuditStore>): void {
  const opened: AuditStore[] = [];
  const open = async (name: string) => {
    const store = await openStore(name);
    opened.push(store);
    return store;
  };
  after(() => Promise.all(opened.map((store) => store.close())));

  it('returns records exactly as they were sealed, so every hash still verifies', async () => {
    const store = await open('roundtrip');
    const records = makeChain('s1', 5);
    await store.append(records);
    const read = await store.readStream('s1', 1, 100);
    assert.deepEqual(read, records);
    for (const record of read) assert.equal(hashRecord(record.prevHash, record), record.hash);
  });

  it('keeps why a record is statement-level (audit.capture.fallback), inside the hash', async () => {
    const store = await open('fallback');
    const records = makeChain('s1', 2, undefined, {
      granularity: 'statement',
      recordId: null,
      statement: 'UPDATE users SET name = ? WHERE id > ?',
      affectedRows: 7,
      captureFallback: 'pre_read_failed',
    });
    await store.append(records);
    const read = await store.readStream('s1', 1, 100);
    assert.deepEqual(
      read.map((record) => record.captureFallback),
      ['pre_read_failed', 'pre_read_failed'],
    );
    const { captureFallback: _dropped, ...without } = read[0];
    assert.notEqual(hashRecord(without.prevHash, without), read[0].hash);
  });

  it('ignores a record whose event id is already stored', async () => {
    const store = await open('idempotent');
    const records = makeChain('s1', 3);
    await store.append(records);
    await store.append(records);
    await store.append([records[1]]);
    assert.equal(await store.count(), 3);
    assert.equal((await store.streamHead('s1'))?.records, 3);
  });

  it('keeps one copy of an event id that comes twice in one batch', async () => {
    const store = await open('idempotent_batch');
    const records = makeChain('s1', 3);
    await store.append([...records, records[0], records[2]]);
    assert.equal(await store.count(), 3);
    assert.deepEqual(await store.readStream('s1', 1, 100), records);
  });

  it('reports the head of every stream', async () => {
    const store = await open('heads');
    const a = makeChain('a', 4);
    const b = makeChain('b', 2);
    await store.append([...a.slice(0, 2), ...b, ...a.slice(2)]);
    assert.deepEqual(await store.streams(), [
      { stream: 'a', lastSeq: 4, lastHash: a[3].hash, records: 4 },
      { stream: 'b', lastSeq: 2, lastHash: b[1].hash, records: 2 },
    ]);
    assert.equal(await store.streamHead('none'), null);
  });

  it('reads a stream page by page from a seq', async () => {
    const store = await open('pages');
    const records = makeChain('s', 7);
    await store.append(records);
    const page = await store.readStream('s', 3, 2);
    assert.deepEqual(
      page.map((r) => r.seq),
      [3, 4],
    );
  });

  it('finds records by table, record id, actor, operation, trace and time, in cursor order', async () => {
    const store = await open('find');
    const chain = makeChain('s', 12);
    const deleted = makeChain('t', 1, undefined, {
      operation: 'delete',
      table: 'orders',
      recordId: '9',
    });
    const all = [...chain, ...deleted];
    await store.append(all);
    const byRow = await store.find({ table: 'users', recordId: chain[0].recordId ?? '' });
    assert.ok(byRow.length >= 1);
    assert.ok(byRow.every((r) => r.recordId === chain[0].recordId && r.table === 'users'));
    assert.equal((await store.find({ operation: 'delete' }))[0].table, 'orders');
    const byActor = all.filter((r) => r.actor?.id === 'user-0').length;
    assert.ok(byActor > 0);
    assert.equal(await store.count({ actorId: 'user-0' }), byActor);
    assert.equal(await store.count({ traceId: 'a'.repeat(32) }), 13);
    const since = new Date(chain[4].occurredAt);
    const until = new Date(chain[8].occurredAt);
    assert.deepEqual(
      (await store.find({ since, until, stream: 's' })).map((r) => r.seq),
      [5, 6, 7, 8],
    );
  });

  it('pages with a keyset cursor in both directions', async () => {
    const store = await open('cursor');
    const chain = makeChain('s', 9);
    await store.append(chain);
    const first = await store.find({}, { limit: 4 });
    const second = await store.find({}, { limit: 4, after: first[3] });
    assert.deepEqual(
      [...first, ...second].map((r) => r.seq),
      [1, 2, 3, 4, 5, 6, 7, 8],
    );
    const newest = await store.find({}, { limit: 3, order: 'desc' });
    const older = await store.find({}, { limit: 3, order: 'desc', after: newest[2] });
    assert.deepEqual(
      [...newest, ...older].map((r) => r.seq),
      [9, 8, 7, 6, 5, 4],
    );
  });

  it('keeps checkpoints newest first, once each', async () => {
    const store = await open('checkpoints');
    const chain = makeChain('s', 3);
    await store.append(chain);
    const at = (seq: number) => ({
      stream: 's',
      seq,
      hash: chain[seq - 1].hash,
      createdAt: new Date(seq).toISOString(),
      kind: 'periodic' as const,
    });
    await store.writeCheckpoint(at(1));
    await store.writeCheckpoint(at(3));
    await store.writeCheckpoint(at(3));
    assert.deepEqual(
      (await store.checkpoints('s')).map((c) => c.seq),
      [3, 1],
    );
  });

  it('prunes the head of each chain and leaves the rest verifiable', async () => {
    const store = await open('prune');
    const chain = makeChain('s', 10);
    await store.append(chain);
    const { removed } = await store.prune(new Date(chain[4].occurredAt));
    assert.equal(removed, 4);
    assert.deepEqual(
      (await store.readStream('s', 1, 100)).map((r) => r.seq),
      [5, 6, 7, 8, 9, 10],
    );
    const [checkpoint] = await store.checkpoints('s');
    assert.deepEqual(
      { seq: checkpoint.seq, kind: checkpoint.kind, hash: checkpoint.hash },
      { seq: 4, kind: 'prune', hash: chain[3].hash },
    );
    assert.deepEqual(await verifyChains(store), { ok: true, streams: 1, records: 6 });
  });

  it('verifies intact chains of several streams', async () => {
    const store = await open('verify');
    await store.append([...makeChain('a', 30), ...makeChain('b', 5)]);
    const progress: number[] = [];
    const result = await verifyChains(store, {
      pageSize: 10,
      onProgress: (p) => progress.push(p.records),
    });
    assert.deepEqual(result, { ok: true, streams: 2, records: 35 });
    assert.equal(progress[progress.length - 1], 35);
  });

  it('persists across reopening', async () => {
    const first = await open('reopen');
    const chain = makeChain('s', 3);
    await first.append(chain);
    await first.close();
    const again = await open('reopen');
    assert.equal((await again.streamHead('s'))?.lastHash, chain[2].hash);
  });
}
