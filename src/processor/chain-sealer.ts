import type { DiagLogger } from '@opentelemetry/api';
import { recordLeaf, sealEventWithLeaf } from '../store/chain-hash';
import type { AuditCheckpoint, AuditStore } from '../store/audit-store';
import type { AuditEvent, AuditRecord } from '../types';
import type { ChainKey } from '../integrity/chain-key';
import { resolveChainKey } from '../integrity/chain-key';
import { signCheckpoint, streamOrigin } from '../integrity/checkpoint-note';
import { CheckpointTree } from '../integrity/checkpoint-tree';
import type { ResolvedIntegrity } from '../integrity/integrity-options';

const MAX_UNPERSISTED_LEAVES = 1_000_000;

/** The last link of a chain. */
export interface ChainHead {
  seq: number;
  hash: string | null;
}

/**
 * Places events in this writer's chain: the next seq, the previous hash, the hash (keyed with
 * the chain key when there is one). Only the writer's single background loop calls it, so
 * seqs never race. It also drops an event it sealed recently (delivered twice, e.g. through
 * the span pipeline and directly), since a second seal would leave a gap when the store
 * ignores the duplicate event id. With a signing key it keeps the stream's Merkle tree as
 * records reach the store and signs the writer's checkpoints, then hands them to the witnesses.
 */
export class ChainSealer {
  private head: ChainHead = { seq: 0, hash: null };
  // A Set plus a ring of the same ids: evicting the oldest is O(1) (a Map used as a FIFO
  // makes V8 skip ever more deleted slots when it looks for the first key).
  private readonly recent = new Set<string>();
  private readonly ring: Array<string | undefined>;
  private ringPosition = 0;
  private key?: ChainKey;
  private readonly tree?: CheckpointTree;
  /** Leaves of records sealed but not yet persisted, by seq (a WeakMap costs the GC more). */
  private readonly leaves = new Map<number, { hash: string; leaf: Buffer }>();
  private lastPublished = 0;

  constructor(
    readonly stream: string,
    recentCapacity = 20_000,
    private readonly integrity?: ResolvedIntegrity,
    private readonly diag?: DiagLogger,
  ) {
    this.ring = new Array<string | undefined>(recentCapacity);
    this.key = integrity?.chainKey;
    if (integrity?.signingKey) this.tree = new CheckpointTree(stream);
  }

  /** Fetches the current chain key from the key provider, when there is one. */
  async prepare(): Promise<void> {
    const provider = this.integrity?.keyProvider;
    if (!provider) return;
    try {
      const provided = await provider();
      if (provided !== undefined) this.key = resolveChainKey(provided);
    } catch (error) {
      this.diag?.error(
        'audit chain key provider failed; records wait unsealed until it answers',
        error,
      );
      throw error;
    }
    if (!this.key) throw new Error('audit chain key provider gave no key; records wait unsealed');
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
      const { record, leaf } = sealEventWithLeaf(
        event,
        { stream: this.stream, seq: this.head.seq + 1, prevHash: this.head.hash },
        this.key,
        this.tree !== undefined,
      );
      if (this.tree) {
        // Batches that never reach the store (quarantined) must not keep their leaves forever.
        if (this.leaves.size >= MAX_UNPERSISTED_LEAVES) this.leaves.clear();
        this.leaves.set(record.seq, { hash: record.hash, leaf });
      }
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
      const { record, leaf } = sealEventWithLeaf(
        event,
        { stream, seq: head.seq + 1, prevHash: head.hash },
        this.key,
        this.tree !== undefined,
      );
      if (this.tree && stream === this.stream) {
        this.leaves.set(record.seq, { hash: record.hash, leaf });
      }
      head = { seq: record.seq, hash: record.hash };
      return record;
    });
  }

  /** Records now in the store (in chain order): their leaves join the stream's tree. */
  persisted(records: readonly AuditRecord[]): void {
    if (!this.tree) return;
    for (const record of records) {
      if (record.stream !== this.stream) continue;
      // A record sealed by an earlier run (replayed from the spool) has no leaf here yet.
      const sealed = this.leaves.get(record.seq);
      this.leaves.delete(record.seq);
      this.tree.add(
        record.seq,
        sealed && sealed.hash === record.hash ? sealed.leaf : recordLeaf(record),
      );
    }
  }

  /**
   * Adds the signed note and compact range of the tree at `checkpoint.seq` (with a signing
   * key), and picks up a rotated chain key from the provider.
   */
  async completeCheckpoint(checkpoint: AuditCheckpoint, store: AuditStore): Promise<void> {
    if (this.integrity?.keyProvider) await this.prepare().catch(() => undefined);
    const key = this.integrity?.signingKey;
    if (!this.tree || !key) return;
    const range = await this.tree.at(checkpoint.seq, store);
    checkpoint.range = range.hashes.map((hash) => hash.toString('base64'));
    checkpoint.note = signCheckpoint(
      { origin: streamOrigin(this.stream), size: range.size, root: range.root() },
      key,
    );
  }

  /** Hands a signed checkpoint to every witness; a failing witness is logged, never thrown. */
  async publish(checkpoint: AuditCheckpoint): Promise<void> {
    const note = checkpoint.note;
    if (!note || checkpoint.seq <= this.lastPublished) return;
    this.lastPublished = checkpoint.seq;
    for (const witness of this.integrity?.witnesses ?? []) {
      try {
        await witness.publish(checkpoint.stream, note);
      } catch (error) {
        this.diag?.warn(
          `audit witness ${witness.url}: checkpoint ${checkpoint.seq} of "${checkpoint.stream}" not published; the next one will be`,
          error,
        );
      }
    }
  }

  async close(): Promise<void> {
    for (const witness of this.integrity?.witnesses ?? [])
      await witness.close?.().catch(() => undefined);
  }

  private remember(eventId: string): void {
    const evicted = this.ring[this.ringPosition];
    if (evicted !== undefined) this.recent.delete(evicted);
    this.ring[this.ringPosition] = eventId;
    this.ringPosition = (this.ringPosition + 1) % this.ring.length;
    this.recent.add(eventId);
  }
}
