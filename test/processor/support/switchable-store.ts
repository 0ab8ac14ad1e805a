import type {
  AuditCheckpoint,
  AuditFindOptions,
  AuditRecordFilter,
  AuditStore,
} from '../../../src';
import type { AuditRecord } from '../../../src/types';

/**
 * A real store behind a switch: while `down` is true every call fails the way a lost
 * connection does. It stands for an outage of the database in suites that must stay fast;
 * the PostgreSQL outage suite stops a real server instead.
 */
export class SwitchableStore implements AuditStore {
  down = false;
  readonly name: string;

  constructor(private readonly inner: AuditStore) {
    this.name = inner.name;
  }

  private guard(): void {
    if (this.down) throw new Error(`connect ECONNREFUSED: audit store ${this.name} is down`);
  }

  async init(): Promise<void> {
    this.guard();
    await this.inner.init();
  }
  async append(records: readonly AuditRecord[]) {
    this.guard();
    await this.inner.append(records);
  }
  async knownEventIds(eventIds: readonly string[]) {
    this.guard();
    return (await this.inner.knownEventIds?.(eventIds)) ?? new Set<string>();
  }
  async streamHead(stream: string) {
    this.guard();
    return this.inner.streamHead(stream);
  }
  streams() {
    return this.inner.streams();
  }
  readStream(stream: string, fromSeq: number, limit: number) {
    return this.inner.readStream(stream, fromSeq, limit);
  }
  find(filter: AuditRecordFilter, options?: AuditFindOptions) {
    return this.inner.find(filter, options);
  }
  count(filter?: AuditRecordFilter) {
    return this.inner.count(filter);
  }
  async writeCheckpoint(checkpoint: AuditCheckpoint) {
    this.guard();
    await this.inner.writeCheckpoint(checkpoint);
  }
  checkpoints(stream: string) {
    return this.inner.checkpoints(stream);
  }
  prune(before: Date) {
    return this.inner.prune(before);
  }
  close() {
    return this.inner.close();
  }
}
