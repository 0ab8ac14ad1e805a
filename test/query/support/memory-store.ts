/*
 * A test double of the AuditStore for the pure logic of the history API: it keeps records in
 * an array and honours the filter, order and keyset-cursor contract of the interface. The CLI
 * and integration suites use the real stores.
 */
import type {
  AuditCheckpoint,
  AuditFindOptions,
  AuditRecordFilter,
  AuditStore,
  StreamHead,
} from '../../../src/store/audit-store';
import { compareByCursor, matchesFilter } from '../../../src/store/record-match';
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
      .filter((r) => matchesFilter(r, filter))
      .filter((r) => !after || compareByCursor(r, after) * direction > 0)
      .sort((a, b) => compareByCursor(a, b) * direction)
      .slice(0, options.limit ?? 100);
  }

  async count(filter: AuditRecordFilter = {}): Promise<number> {
    return this.records.filter((r) => matchesFilter(r, filter)).length;
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
