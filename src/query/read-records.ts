import type { AuditCursor, AuditRecordFilter, AuditStore } from '../store/audit-store';
import type { AuditRecord } from '../types';
import { cursorOf } from './page-token';

export interface ReadOptions {
  order?: 'asc' | 'desc';
  /** Records per `find()` call. */
  batchSize: number;
  /** Start after this position (exclusive). */
  after?: AuditCursor;
}

/** Every record matching a filter, fetched page by page with the store's keyset cursor. */
export async function* readRecords(
  store: AuditStore,
  filter: AuditRecordFilter,
  options: ReadOptions,
): AsyncGenerator<AuditRecord> {
  let after = options.after;
  for (;;) {
    const page = await store.find(filter, {
      limit: options.batchSize,
      after,
      order: options.order,
    });
    yield* page;
    if (page.length < options.batchSize) return;
    after = cursorOf(page[page.length - 1]);
  }
}
