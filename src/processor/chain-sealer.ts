import { sealEvent } from '../store/chain-hash';
import type { AuditEvent, AuditRecord } from '../types';

/** The last link of a chain. */
export interface ChainHead {
  seq: number;
  hash: string | null;
}

/**
 * Places events in this writer's chain: the next seq, the previous hash, the hash. Only the
 * writer's single background loop calls it, so seqs never race. It also drops an event it
 * sealed recently (delivered twice, e.g. through the span pipeline and directly), since a
 * second seal would leave a gap when the store ignores the duplicate event id.
 */
export class ChainSealer {
  private head: ChainHead = { seq: 0, hash: null };
  private readonly recent = new Map<string, true>();

  constructor(
    readonly stream: string,
    private readonly recentCapacity = 50_000,
  ) {}

  /** Continues after `head` (the store's or the spool's, whichever is further). */
  resume(...heads: Array<ChainHead | null | undefined>): void {
    for (const candidate of heads) {
      if (candidate && candidate.seq > this.head.seq) this.head = { ...candidate };
    }
  }

  current(): ChainHead {
    return { ...this.head };
  }

  seal(events: readonly AuditEvent[]): AuditRecord[] {
    const records: AuditRecord[] = [];
    for (const event of events) {
      if (this.recent.has(event.eventId)) continue;
      this.remember(event.eventId);
      const record = sealEvent(event, {
        stream: this.stream,
        seq: this.head.seq + 1,
        prevHash: this.head.hash,
      });
      this.head = { seq: record.seq, hash: record.hash };
      records.push(record);
    }
    return records;
  }

  private remember(eventId: string): void {
    this.recent.set(eventId, true);
    if (this.recent.size > this.recentCapacity) {
      const oldest = this.recent.keys().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
  }
}
