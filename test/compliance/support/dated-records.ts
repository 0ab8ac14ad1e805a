import { randomUUID } from 'node:crypto';
import { sealEvent } from '../../../src/store/chain-hash';
import type { AuditStore } from '../../../src/store/audit-store';
import type { AuditRecord } from '../../../src/types';

/** One row change of the past: table, record id, when. */
export type DatedChange = [table: string, recordId: string, occurredAt: string];

/** Appends the changes to `stream` as one sealed chain (records as the processor writes them). */
export async function appendDated(
  store: AuditStore,
  stream: string,
  changes: readonly DatedChange[],
): Promise<AuditRecord[]> {
  let prevHash: string | null = null;
  const records = changes.map(([table, recordId, occurredAt], index) => {
    const record = sealEvent(
      {
        eventId: randomUUID(),
        occurredAt,
        operation: 'update',
        granularity: 'row',
        dbSystem: 'sqlite',
        table,
        recordId,
        changedFields: ['n'],
        before: { n: index },
        after: { n: index + 1 },
      },
      { stream, seq: index + 1, prevHash },
    );
    prevHash = record.hash;
    return record;
  });
  await store.append(records);
  return records;
}

/** Two chains over sessions and orders, all of January 2020. */
export const JANUARY_2020: Record<string, DatedChange[]> = {
  s1: [
    ['sessions', '1', '2020-01-01T00:00:00.000Z'],
    ['sessions', '2', '2020-01-02T00:00:00.000Z'],
    ['sessions', '3', '2020-01-03T00:00:00.000Z'],
    ['orders', '9', '2020-01-04T00:00:00.000Z'],
  ],
  s2: [
    ['sessions', '4', '2020-01-01T00:00:00.000Z'],
    ['sessions', '5', '2020-01-02T00:00:00.000Z'],
    ['orders', '10', '2020-01-03T00:00:00.000Z'],
    ['sessions', '6', '2020-01-04T00:00:00.000Z'],
  ],
};
