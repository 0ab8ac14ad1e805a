import { sealEvent } from '../src/store/chain-hash';
import type { AuditStore } from '../src/store/audit-store';
import type { AuditEvent, AuditOperation, AuditRecord } from '../src/types';

/*
 * A synthetic audit trail shaped like a busy application's: four writer streams, 20 tables
 * (one of them rare), 2,000 users and a nightly service account, 30 days of history.
 * Deterministic (seeded), so runs compare.
 */

export const TRAIL_START = Date.parse('2026-10-01T00:00:00.000Z');
export const TRAIL_DAYS = 30;
export const STREAMS = ['writer-a', 'writer-b', 'writer-c', 'writer-d'];
export const TABLES = [
  'orders',
  'order_lines',
  'users',
  'payments',
  'invoices',
  'shipments',
  'products',
  'carts',
  'cart_items',
  'addresses',
  'coupons',
  'reviews',
  'sessions',
  'stock',
  'warehouses',
  'suppliers',
  'returns',
  'tickets',
  'notes',
  'refunds',
];
export const NIGHTLY_ACTOR = 'nightly-job';
const USERS = 2000;
const ROWS_PER_TABLE = 20_000;

/** mulberry32: a small, fast, seeded generator. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pickTable(r: number): string {
  if (r < 0.3) return 'orders';
  if (r < 0.999) return TABLES[1 + Math.floor(((r - 0.3) / 0.699) * (TABLES.length - 2))];
  return 'refunds';
}

function pickOperation(r: number): AuditOperation {
  if (r < 0.3) return 'insert';
  if (r < 0.9) return 'update';
  if (r < 0.95) return 'delete';
  if (r < 0.98) return 'soft_delete';
  return 'restore';
}

/** The i-th event of the trail (i from 0 to total - 1), in time order. */
function eventAt(i: number, total: number, next: () => number): AuditEvent {
  const occurredAt = TRAIL_START + Math.floor((i / total) * TRAIL_DAYS * 86_400_000);
  const hour = new Date(occurredAt).getUTCHours();
  const nightly = hour >= 1 && hour < 3 && next() < 0.3;
  const table = pickTable(next());
  const operation = pickOperation(next());
  const id = Math.floor(next() * ROWS_PER_TABLE);
  const status = ['new', 'paid', 'shipped', 'refunded'][Math.floor(next() * 4)];
  return {
    eventId: `bench-${i}`,
    occurredAt: new Date(occurredAt).toISOString(),
    operation,
    granularity: 'row',
    dbSystem: 'postgresql',
    table,
    recordId: String(id),
    changedFields: operation === 'update' ? ['status', 'updatedAt'] : [],
    before: operation === 'insert' ? null : { id, status: 'new', total: id % 500 },
    after: operation === 'delete' ? null : { id, status, total: id % 500 },
    actor: nightly
      ? { id: NIGHTLY_ACTOR, type: 'service' }
      : { id: `user-${Math.floor(next() * USERS)}`, type: 'user' },
    traceId: (i * 2654435761).toString(16).padStart(32, '0').slice(-32),
    transactionId: `tx-${Math.floor(i / 3)}`,
  };
}

/**
 * Appends `total` chained records to the store in batches; calls `onProgress` with the count
 * written so far.
 */
export async function fillTrail(
  store: AuditStore,
  total: number,
  onProgress: (done: number) => void,
): Promise<void> {
  const next = random(42);
  const heads = new Map<string, { seq: number; hash: string | null }>();
  const batch: AuditRecord[] = [];
  for (let i = 0; i < total; i += 1) {
    const stream = STREAMS[i % STREAMS.length];
    const head = heads.get(stream) ?? { seq: 0, hash: null };
    const record = sealEvent(eventAt(i, total, next), {
      stream,
      seq: head.seq + 1,
      prevHash: head.hash,
    });
    heads.set(stream, { seq: record.seq, hash: record.hash });
    batch.push(record);
    if (batch.length === 5000) {
      await store.append(batch.splice(0));
      onProgress(i + 1);
    }
  }
  if (batch.length > 0) {
    await store.append(batch.splice(0));
    onProgress(total);
  }
}
