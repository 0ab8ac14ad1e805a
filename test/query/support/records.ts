import type { AuditEvent, AuditRecord } from '../../../src/types';

/** Builds chained-looking records for the pure-logic suites (hashes are placeholders). */
export class RecordFactory {
  private seq = 0;
  private clock: number;

  constructor(
    private readonly stream = 'test-stream',
    start = Date.parse('2026-11-20T08:00:00.000Z'),
  ) {
    this.clock = start;
  }

  /** The moment the next record will carry. */
  get now(): Date {
    return new Date(this.clock);
  }

  /** Moves the clock forward. */
  advance(ms: number): Date {
    this.clock += ms;
    return this.now;
  }

  record(event: Partial<AuditEvent> & Pick<AuditEvent, 'operation' | 'table'>): AuditRecord {
    this.seq += 1;
    const occurredAt = new Date(this.clock).toISOString();
    this.clock += 1000;
    return {
      eventId: `${this.stream}-${this.seq}`,
      occurredAt,
      granularity: 'row',
      dbSystem: 'sqlite',
      recordId: null,
      changedFields: [],
      before: null,
      after: null,
      ...event,
      stream: this.stream,
      seq: this.seq,
      prevHash: this.seq === 1 ? null : `hash-${this.seq - 1}`,
      hash: `hash-${this.seq}`,
    };
  }
}

/**
 * users#1 whose password (redacted) and bio (truncated, same length) changed in version 2: the
 * stand-ins read the same in both versions though the values moved.
 */
export function redactedLife(f: RecordFactory): AuditRecord[] {
  return [
    f.record({
      operation: 'insert',
      table: 'users',
      recordId: '1',
      after: { id: 1, name: 'a', password: '[REDACTED]', bio: '[truncated: 9000 bytes]' },
      changedFields: ['id', 'name', 'password', 'bio'],
    }),
    f.record({
      operation: 'update',
      table: 'users',
      recordId: '1',
      before: { name: 'a', password: '[REDACTED]', bio: '[truncated: 9000 bytes]' },
      after: { name: 'b', password: '[REDACTED]', bio: '[truncated: 9000 bytes]' },
      changedFields: ['name', 'password', 'bio'],
    }),
  ];
}
