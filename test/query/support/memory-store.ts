/*
 * A test double of the AuditStore for the pure logic of the history API: it keeps records in
 * an array and honours the filter, order and keyset-cursor contract of the interface. The CLI
 * and integration suites use the real stores.
 */
import type {
  AuditCheckpoint,
  AuditCursor,
  AuditFindOptions,
  AuditRecordFilter,
  AuditStore,
  StreamHead,
} from '../../../src/store/audit-store';
import type { AuditRecord } from '../../../src/types';

export class MemoryAuditStore implements AuditStore {
  readonly name = 'memory';
  readonly records: AuditRecord[] = [];
  readonly findCalls: AuditFindOptions[] = [];
  private readonly saved: AuditCheckpoint[] = [];

  async init(): Promise<void> {}

  async append(records: readonly AuditRecord[]): Promise<void> {
    for (const record of records) {
      if (!this.records.some((r) => r.eventId === record.eventId)) this.records.push(record);
    }
  }

  async streamHead(stream: string): Promise<StreamHead | null> {
    return (await this.streams()).find((head) => head.stream === stream) ?? null;
  }

  async streams(): Promise<StreamHead[]> {
    const heads = new Map<string, StreamHead>();
    for (const r of [...this.records].sort((a, b) => a.seq - b.seq)) {
      const head = heads.get(r.stream);
      heads.set(r.stream, {
        stream: r.stream,
        lastSeq: r.seq,
        lastHash: r.hash,
        records: (head?.records ?? 0) + 1,
      });
    }
    return [...heads.values()];
  }

  async readStream(stream: string, fromSeq: number, limit: number): Promise<AuditRecord[]> {
    return this.records
      .filter((r) => r.stream === stream && r.seq >= fromSeq)
      .sort((a, b) => a.seq - b.seq)
      .slice(0, limit);
  }

  async find(filter: AuditRecordFilter, options: AuditFindOptions = {}): Promise<AuditRecord[]> {
    this.findCalls.push(options);
    const direction = options.order === 'desc' ? -1 : 1;
    const { after } = options;
    return this.records
      .filter((r) => matches(r, filter))
      .filter((r) => !after || compare(r, after) * direction > 0)
      .sort((a, b) => compare(a, b) * direction)
      .slice(0, options.limit ?? 100);
  }

  async count(filter: AuditRecordFilter = {}): Promise<number> {
    return this.records.filter((r) => matches(r, filter)).length;
  }

  async writeCheckpoint(checkpoint: AuditCheckpoint): Promise<void> {
    this.saved.push(checkpoint);
  }

  async checkpoints(stream: string): Promise<AuditCheckpoint[]> {
    return this.saved.filter((c) => c.stream === stream).reverse();
  }

  async prune(before: Date): Promise<{ removed: number }> {
    const kept = this.records.filter((r) => new Date(r.occurredAt) >= before);
    const removed = this.records.length - kept.length;
    this.records.splice(0, this.records.length, ...kept);
    return { removed };
  }

  async close(): Promise<void> {}
}

function matches(r: AuditRecord, f: AuditRecordFilter): boolean {
  const time = new Date(r.occurredAt).getTime();
  return (
    (f.table === undefined || r.table === f.table) &&
    (f.recordId === undefined || r.recordId === f.recordId) &&
    (f.actorId === undefined || r.actor?.id === f.actorId) &&
    (f.operation === undefined || r.operation === f.operation) &&
    (f.stream === undefined || r.stream === f.stream) &&
    (f.traceId === undefined || r.traceId === f.traceId) &&
    (f.since === undefined || time >= f.since.getTime()) &&
    (f.until === undefined || time < f.until.getTime())
  );
}

function compare(a: AuditCursor, b: AuditCursor): number {
  if (a.occurredAt !== b.occurredAt) return a.occurredAt < b.occurredAt ? -1 : 1;
  if (a.stream !== b.stream) return a.stream < b.stream ? -1 : 1;
  return a.seq - b.seq;
}
