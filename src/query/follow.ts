import { setTimeout as sleep } from 'node:timers/promises';
import type { AuditRecordFilter, AuditStore } from '../store/audit-store';
import type { AuditRecord } from '../types';
import { matchesFilter } from '../store/record-match';

/** Options of `AuditTrail.follow()`. */
export interface FollowOptions {
  /** Time between two looks at the store, in milliseconds. @default 1000 */
  intervalMs?: number;
  /** Stops following; the iteration then ends. */
  signal?: AbortSignal;
  /** Records read per stream per look. @default 1000 */
  batchSize?: number;
}

/**
 * Starts following now: the iterable yields records appended after this call resolves, as they
 * arrive. It follows each writer's chain by seq rather than by time, so a writer that flushes
 * late still has every record seen, once.
 */
export async function followRecords(
  store: AuditStore,
  filter: AuditRecordFilter,
  options: FollowOptions = {},
): Promise<AsyncIterable<AuditRecord>> {
  const nextSeq = new Map<string, number>();
  for (const head of await store.streams()) nextSeq.set(head.stream, head.lastSeq + 1);
  return poll(store, filter, nextSeq, options);
}

async function* poll(
  store: AuditStore,
  filter: AuditRecordFilter,
  nextSeq: Map<string, number>,
  options: FollowOptions,
): AsyncGenerator<AuditRecord> {
  const { signal, intervalMs = 1000, batchSize = 1000 } = options;
  while (!signal?.aborted) {
    // Streams already known are read past their last seen seq whatever their head says: a
    // store may cache heads (a file store opened before another process appended).
    for (const head of await store.streams())
      if (!nextSeq.has(head.stream)) nextSeq.set(head.stream, 1);
    for (const [stream, from] of nextSeq) {
      let next = from;
      while (!signal?.aborted) {
        const records = await store.readStream(stream, next, batchSize);
        for (const record of records) if (matchesFilter(record, filter)) yield record;
        if (records.length > 0) next = records[records.length - 1].seq + 1;
        if (records.length < batchSize) break;
      }
      nextSeq.set(stream, next);
    }
    await sleep(intervalMs, undefined, { signal }).catch(() => undefined);
  }
}
