import assert from 'node:assert/strict';
import { AuditTrail } from '../../src/query/audit-trail';
import type { AuditRecord } from '../../src/types';
import { MemoryAuditStore } from './support/memory-store';
import { RecordFactory } from './support/records';

async function take(iterable: AsyncIterable<AuditRecord>, count: number): Promise<string[]> {
  const ids: string[] = [];
  for await (const record of iterable) {
    ids.push(record.eventId);
    if (ids.length === count) break;
  }
  return ids;
}

describe('AuditTrail.follow', () => {
  it('yields only records appended after it started, from every writer, once each', async () => {
    const store = new MemoryAuditStore();
    const a = new RecordFactory('writer-a', Date.parse('2026-11-20T10:00:00Z'));
    const b = new RecordFactory('writer-b', Date.parse('2026-11-20T09:00:00Z'));
    await store.append([a.record({ operation: 'insert', table: 'orders', recordId: '1' })]);
    const stop = new AbortController();
    const follower = await new AuditTrail(store).follow({}, { intervalMs: 5, signal: stop.signal });

    const later = [
      a.record({ operation: 'update', table: 'orders', recordId: '1' }),
      // A new writer whose records are dated before everything already stored.
      b.record({ operation: 'insert', table: 'users', recordId: '7' }),
      b.record({ operation: 'update', table: 'users', recordId: '7' }),
    ];
    setTimeout(() => void store.append(later), 20);

    const seen = await take(follower, 3);
    stop.abort();
    assert.deepEqual(seen.sort(), later.map((r) => r.eventId).sort());
  });

  it('applies the filter to followed records', async () => {
    const store = new MemoryAuditStore();
    const f = new RecordFactory();
    const stop = new AbortController();
    const follower = await new AuditTrail(store).follow(
      { table: 'orders', operation: 'delete' },
      { intervalMs: 5, signal: stop.signal },
    );
    const wanted = f.record({ operation: 'delete', table: 'orders', recordId: '2' });
    await store.append([
      f.record({ operation: 'delete', table: 'users', recordId: '2' }),
      f.record({ operation: 'update', table: 'orders', recordId: '2' }),
      wanted,
    ]);

    assert.deepEqual(await take(follower, 1), [wanted.eventId]);
    stop.abort();
  });

  it('ends when its signal aborts', async () => {
    const stop = new AbortController();
    const follower = await new AuditTrail(new MemoryAuditStore()).follow(
      {},
      { intervalMs: 5, signal: stop.signal },
    );
    setTimeout(() => stop.abort(), 20);
    assert.deepEqual(await take(follower, 1), []);
  });
});
