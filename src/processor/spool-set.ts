import type { AuditEvent, AuditRecord } from '../types';
import type { ChainHead } from './chain-sealer';
import type { SpoolEntry } from './spool-journal';
import { SpoolJournal } from './spool-journal';

/** Spooled entries read for one replay write. */
export interface ReplayChunk {
  readonly journal: SpoolJournal;
  readonly start: number;
  readonly next: number;
  /** What is left to write (a write that quarantined a record leaves the rest chained anew). */
  records: AuditRecord[];
}

/**
 * The journals a writer replays: those left by dead processes (adopted, replayed first) and
 * its own, which takes new batches while the store fails.
 */
export class SpoolSet {
  private own?: SpoolJournal;
  private orphans: SpoolJournal[] = [];
  private sealedChunk?: ReplayChunk;

  get opened(): boolean {
    return this.own !== undefined;
  }

  async open(directory: string, stream: string): Promise<void> {
    this.own = await SpoolJournal.open(directory, stream);
    this.orphans = await SpoolJournal.adoptOrphans(directory, this.own.file);
  }

  /** The journal the `block` overflow path appends to; undefined until opened. */
  overflowJournal(): SpoolJournal | undefined {
    return this.own;
  }

  /** Bytes not replayed yet, over every journal. */
  bytes(): number {
    return this.all().reduce((sum, journal) => sum + journal.pendingBytes, 0);
  }

  hasPending(): boolean {
    return this.all().some((journal) => journal.hasPending);
  }

  /** Appends to the own journal; false when it is missing or holds `maxBytes` already. */
  async append(entry: SpoolEntry, maxBytes: number): Promise<boolean> {
    if (!this.own || this.own.pendingBytes >= maxBytes) return false;
    await this.own.append(entry);
    return true;
  }

  /** The furthest sealed record of `stream` still spooled. */
  async lastSealed(stream: string): Promise<ChainHead | null> {
    let head: ChainHead | null = null;
    for (const journal of this.all()) {
      const last = await journal.lastSealed(stream);
      if (last && (!head || last.seq > head.seq)) head = last;
    }
    return head;
  }

  /**
   * Consecutive entries of the first journal with pending ones, up to `maxRecords`, as one
   * write. Events spooled unsealed are sealed here once, and that sealing is kept until the
   * chunk is consumed, so a retried write sends the very same records.
   */
  async nextChunk(
    maxRecords: number,
    seal: (events: AuditEvent[]) => Promise<AuditRecord[]>,
  ): Promise<ReplayChunk | undefined> {
    const journal = this.all().find((j) => j.hasPending);
    if (!journal) return undefined;
    const start = journal.replayedOffset;
    const cached = this.sealedChunk;
    if (cached?.journal === journal && cached.start === start) return cached;
    const records: AuditRecord[] = [];
    const events: AuditEvent[] = [];
    let offset = start;
    while (records.length + events.length < maxRecords) {
      const head = await journal.peekAt(offset);
      if (!head) break;
      records.push(...(head.entry?.records ?? []));
      events.push(...(head.entry?.events ?? []));
      offset = head.next;
    }
    if (offset === start) return undefined;
    const sealed = events.length ? await seal(events) : [];
    const chunk = { journal, start, next: offset, records: [...records, ...sealed] };
    if (events.length) this.sealedChunk = chunk;
    return chunk;
  }

  /** Keeps a chunk as it stands, so the next replay sends it again rather than re-reading the file. */
  retain(chunk: ReplayChunk): void {
    this.sealedChunk = chunk;
  }

  /** Marks a chunk replayed; an adopted journal that is drained is closed and removed. */
  async consume(chunk: ReplayChunk): Promise<void> {
    this.sealedChunk = undefined;
    await chunk.journal.consume(chunk.next);
    const drained = this.orphans.filter((j) => !j.hasPending);
    this.orphans = this.orphans.filter((j) => j.hasPending);
    await Promise.all(drained.map((j) => j.close()));
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((journal) => journal.close()));
    this.own = undefined;
    this.orphans = [];
  }

  private all(): SpoolJournal[] {
    return this.own ? [...this.orphans, this.own] : [...this.orphans];
  }
}
