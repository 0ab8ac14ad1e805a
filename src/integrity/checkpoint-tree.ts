import type { AuditStore } from '../store/audit-store';
import { recordLeaf } from '../store/chain-hash';
import { CompactRange } from './compact-range';

const PAGE = 2000;
const MAX_PENDING = 200_000;

/**
 * The compact range of one stream's Merkle tree as its records reach the store, for the
 * writer's signed checkpoints. Leaves of persisted records are added as they are written; what
 * the process did not write itself (records of an earlier run) is read back from the store,
 * starting at the newest checkpoint that kept its compact range.
 */
export class CheckpointTree {
  private range?: CompactRange;
  private pending: Array<{ seq: number; leaf: Buffer }> = [];

  constructor(readonly stream: string) {}

  /** The leaf of a record just persisted. */
  add(seq: number, leaf: Buffer): void {
    const last = this.pending[this.pending.length - 1];
    if ((last && seq !== last.seq + 1) || this.pending.length >= MAX_PENDING) {
      // Out of order or too far behind: the store is the truth; catch up from it later.
      this.pending = [];
      this.range = undefined;
    }
    this.pending.push({ seq, leaf });
  }

  /** The compact range of the tree of the first `seq` records. */
  async at(seq: number, store: AuditStore): Promise<CompactRange> {
    if (!this.range || this.range.size > seq) {
      this.range = await loadRange(store, this.stream, (this.pending[0]?.seq ?? seq + 1) - 1);
    }
    const range = this.range;
    while (this.pending.length > 0 && this.pending[0].seq <= seq) {
      const next = this.pending.shift() as { seq: number; leaf: Buffer };
      if (next.seq === range.size + 1) range.append(next.leaf);
    }
    if (range.size < seq) await appendFromStore(store, this.stream, range, seq);
    if (range.size !== seq) {
      this.range = undefined;
      throw new Error(
        `stream "${this.stream}" has no records ${range.size + 1}..${seq} in the store`,
      );
    }
    return range.clone();
  }
}

/** The compact range at `upto`: from the newest checkpoint that has one, then the records after it. */
export async function loadRange(
  store: AuditStore,
  stream: string,
  upto: number,
): Promise<CompactRange> {
  const checkpoints = await store.checkpoints(stream);
  const start = checkpoints.find((c) => c.range && c.seq <= upto);
  const prune = checkpoints.find((c) => c.kind === 'prune');
  if (prune && (!start || start.seq < prune.seq)) {
    throw new Error(
      `stream "${stream}" was pruned at seq ${prune.seq} without a compact range; its tree cannot be continued (prune with "otel-sequelize-audit prune" and a signing key)`,
    );
  }
  const range = start?.range
    ? CompactRange.from(
        start.seq,
        start.range.map((hash) => Buffer.from(hash, 'base64')),
      )
    : CompactRange.empty();
  await appendFromStore(store, stream, range, upto);
  return range;
}

async function appendFromStore(
  store: AuditStore,
  stream: string,
  range: CompactRange,
  upto: number,
): Promise<void> {
  while (range.size < upto) {
    const page = await store.readStream(stream, range.size + 1, Math.min(PAGE, upto - range.size));
    if (page.length === 0 || page[0].seq !== range.size + 1) return;
    for (const record of page) {
      if (record.seq !== range.size + 1 || record.seq > upto) return;
      range.append(recordLeaf(record));
    }
  }
}
