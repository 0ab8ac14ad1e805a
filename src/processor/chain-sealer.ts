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
  // A Set plus a ring of the same ids: evicting the oldest is O(1) (a Map used as a FIFO
  // makes V8 skip ever more deleted slots when it looks for the first key).
  private readonly recent = new Set<string>();
  private readonly ring: Array<string | undefined>;
  private ringPosition = 0;

  constructor(
    readonly stream: string,
    recentCapacity = 50_000,
  ) {
    this.ring = new Array<string | undefined>(recentCapacity);
  }

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

  /** Moves the head back: the records sealed after `head` were sealed again (see `resealAfter`). */
  rewind(head: ChainHead): void {
    this.head = { ...head };
  }

  /**
   * Seals `records` of `stream` again, in order, right after `from` (a record before them was
   * quarantined, so the chain closes over the gap). This sealer's own head is left alone.
   */
  resealAfter(stream: string, from: ChainHead, records: readonly AuditEvent[]): AuditRecord[] {
    let head = from;
    return records.map((event) => {
      const record = sealEvent(event, { stream, seq: head.seq + 1, prevHash: head.hash });
      head = { seq: record.seq, hash: record.hash };
      return record;
    });
  }

  private remember(eventId: string): void {
    const evicted = this.ring[this.ringPosition];
    if (evicted !== undefined) this.recent.delete(evicted);
    this.ring[this.ringPosition] = eventId;
    this.ringPosition = (this.ringPosition + 1) % this.ring.length;
    this.recent.add(eventId);
  }
}
