import type {
  AuditCheckpoint,
  AuditFindOptions,
  AuditRecordFilter,
  AuditStore,
} from '../../../src';
import type { AuditRecord } from '../../../src/types';

/** An error shaped like a driver's: PostgreSQL's "value too long" (SQLSTATE 22001). */
export function valueTooLong(detail: string): Error {
  const parent = Object.assign(
    new Error(`value too long for type character varying(255): ${detail}`),
    {
      code: '22001',
    },
  );
  return Object.assign(new Error(parent.message), { name: 'SequelizeDatabaseError', parent });
}

/**
 * A real store behind a fault injector, for the failures a suite cannot cause on a real server
 * in a few seconds: a store that never answers (`hang`), one that fails at random like a
 * flaky network (`failureRate`, transient), and values it rejects for good (`rejects`, the way
 * a column too short does, batch and all).
 */
export class FaultyStore implements AuditStore {
  readonly name: string;
  /** Every write and checkpoint call hangs forever (the promise never settles). */
  hang = false;
  /** Share of write calls that fail with a connection error, at random. */
  failureRate = 0;
  /** Records the store rejects permanently (the whole statement fails, as on PostgreSQL). */
  rejects: (record: AuditRecord) => boolean = () => false;
  /** Write calls seen, and those that failed. */
  calls = 0;
  failures = 0;

  constructor(
    private readonly inner: AuditStore,
    private readonly random: () => number = Math.random,
  ) {
    this.name = inner.name;
  }

  private async fault(records: readonly AuditRecord[] = []): Promise<void> {
    this.calls += 1;
    if (this.hang) await new Promise<never>(() => undefined);
    if (this.failureRate > 0 && this.random() < this.failureRate) {
      this.failures += 1;
      throw Object.assign(new Error(`connect ECONNREFUSED: audit store ${this.name} (injected)`), {
        code: 'ECONNREFUSED',
      });
    }
    const poison = records.find((record) => this.rejects(record));
    if (poison) {
      this.failures += 1;
      throw valueTooLong(`event ${poison.eventId}`);
    }
  }

  async init(): Promise<void> {
    await this.inner.init();
  }
  async append(records: readonly AuditRecord[]) {
    await this.fault(records);
    await this.inner.append(records);
  }
  async knownEventIds(eventIds: readonly string[]) {
    return (await this.inner.knownEventIds?.(eventIds)) ?? new Set<string>();
  }
  streamHead(stream: string) {
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
    if (this.hang) await new Promise<never>(() => undefined);
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

/** A seeded pseudo-random sequence (mulberry32), so a failing run can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
