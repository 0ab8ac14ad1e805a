import { randomUUID } from 'node:crypto';
import type { AuditRecord } from '../../../src';
import type { AuditEvent } from '../../../src/types';
import { sealEvent } from '../../../src/store/chain-hash';

let counter = 0;

/** A row-level update event with about ten fields and a few hundred bytes of values. */
export function makeEvent(overrides: Partial<AuditEvent> = {}): AuditEvent {
  counter += 1;
  return {
    eventId: randomUUID(),
    occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, counter)).toISOString(),
    operation: 'update',
    granularity: 'row',
    dbSystem: 'postgresql',
    namespace: 'shop',
    table: 'users',
    model: 'User',
    recordId: String(counter % 7),
    changedFields: ['name', 'email'],
    before: {
      id: counter % 7,
      name: `old name ${counter}`,
      email: "o'neil@example.com",
      tags: ['a', 'b'],
      score: 1.5,
    },
    after: {
      id: counter % 7,
      name: `new name ${counter} ✓`,
      email: 'x\\y@example.com',
      tags: ['a'],
      score: null,
    },
    actor: { id: `user-${counter % 3}`, type: 'user' },
    traceId: 'a'.repeat(32),
    spanId: 'b'.repeat(16),
    ...overrides,
  };
}

/** `count` events sealed into one chain of `stream`, starting after `head`. */
export function makeChain(
  stream: string,
  count: number,
  head: { seq: number; hash: string | null } = { seq: 0, hash: null },
  overrides: Partial<AuditEvent> = {},
): AuditRecord[] {
  const records: AuditRecord[] = [];
  let prevHash = head.hash;
  for (let i = 1; i <= count; i += 1) {
    const record = sealEvent(makeEvent(overrides), { stream, seq: head.seq + i, prevHash });
    records.push(record);
    prevHash = record.hash;
  }
  return records;
}
