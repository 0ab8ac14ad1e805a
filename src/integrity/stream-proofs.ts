import type { AuditStore } from '../store/audit-store';
import type { AuditCheckpoint } from '../store/audit-store';
import { recordLeaf } from '../store/chain-hash';
import { CHECKPOINT_SIGNER, readCheckpoint } from './checkpoint-note';
import { CompactRange } from './compact-range';
import { MerkleTree } from './merkle-tree';
import type { ConsistencyProof, InclusionProof } from './proofs';

/** A checkpoint named for `consistency`: its signed note, or a stream and tree size. */
export type CheckpointRef = string | { stream: string; size: number };

const ORIGIN_PREFIX = `${CHECKPOINT_SIGNER}/`;

/**
 * Builds inclusion and consistency proofs from a store. Each stream's tree is read from the
 * store once and kept (32 bytes per record and level), then extended by the records written
 * since, so repeated proofs cost a few hash lookups.
 */
export class StreamProofs {
  private readonly trees = new Map<string, MerkleTree>();

  constructor(
    private readonly store: AuditStore,
    private readonly pageSize = 2000,
  ) {}

  /** The inclusion proof of the record with `eventId` against its stream's newest signed checkpoint. */
  async prove(eventId: string): Promise<InclusionProof> {
    const [record] = await this.store.find({ eventId }, { limit: 1 });
    if (!record) throw new Error(`no audit record has event id "${eventId}"`);
    const signed = (await this.store.checkpoints(record.stream)).find(
      (c) => c.note && c.seq >= record.seq,
    );
    if (!signed?.note) {
      throw new Error(
        `no signed checkpoint of stream "${record.stream}" covers seq ${record.seq} yet; the writer signs one every checkpointEvery records, on its timer and at shutdown (configure integrity.signingKey)`,
      );
    }
    const tree = await this.tree(record.stream, signed);
    return {
      type: 'otel-sequelize-audit/inclusion-proof',
      version: 1,
      record,
      leafIndex: record.seq - 1,
      treeSize: signed.seq,
      path: tree.inclusionProof(record.seq - 1, signed.seq).map((h) => h.toString('base64')),
      checkpoint: signed.note,
    };
  }

  /** The proof that the newer checkpoint (default: the newest signed one) extends the older. */
  async consistency(older: CheckpointRef, newer?: CheckpointRef): Promise<ConsistencyProof> {
    const oldHead = await this.resolve(older);
    const newHead = newer ? await this.resolve(newer) : await this.newest(oldHead.stream);
    if (oldHead.stream !== newHead.stream) {
      throw new Error(
        `the two checkpoints are of different streams ("${oldHead.stream}", "${newHead.stream}")`,
      );
    }
    if (oldHead.size > newHead.size) {
      throw new Error(
        `the older checkpoint (size ${oldHead.size}) is larger than the newer (size ${newHead.size}); swap them`,
      );
    }
    const tree = await this.tree(newHead.stream, newHead.checkpoint);
    return {
      type: 'otel-sequelize-audit/consistency-proof',
      version: 1,
      stream: newHead.stream,
      oldCheckpoint: oldHead.note,
      newCheckpoint: newHead.note,
      path:
        oldHead.size === 0
          ? []
          : tree.consistencyProof(oldHead.size, newHead.size).map((h) => h.toString('base64')),
    };
  }

  private async resolve(ref: CheckpointRef) {
    if (typeof ref !== 'string') {
      const found = (await this.store.checkpoints(ref.stream)).find(
        (c) => c.note && c.seq === ref.size,
      );
      if (!found?.note) {
        throw new Error(`stream "${ref.stream}" has no signed checkpoint of size ${ref.size}`);
      }
      return { stream: ref.stream, size: ref.size, note: found.note, checkpoint: found };
    }
    const head = readCheckpoint(ref);
    if (!head.origin.startsWith(ORIGIN_PREFIX)) {
      throw new Error(`checkpoint of "${head.origin}" is not one of otel-sequelize-audit`);
    }
    const stream = head.origin.slice(ORIGIN_PREFIX.length);
    const checkpoint = (await this.store.checkpoints(stream)).find(
      (c) => c.note && c.seq === head.size,
    );
    return { stream, size: head.size, note: ref, checkpoint };
  }

  private async newest(stream: string) {
    const found = (await this.store.checkpoints(stream)).find((c) => c.note);
    if (!found?.note) throw new Error(`stream "${stream}" has no signed checkpoint`);
    return { stream, size: found.seq, note: found.note, checkpoint: found };
  }

  /** The stream's tree with at least the checkpoint's records, checked against its signed root. */
  private async tree(stream: string, checkpoint: AuditCheckpoint | undefined): Promise<MerkleTree> {
    if (!checkpoint?.note)
      throw new Error(`stream "${stream}" has no signed checkpoint of this size in the store`);
    const prune = (await this.store.checkpoints(stream)).find((c) => c.kind === 'prune');
    let tree = this.trees.get(stream);
    if (!tree || tree.firstLeaf !== (prune?.seq ?? 0) || tree.size > checkpoint.seq) {
      tree = new MerkleTree(prefixOf(stream, prune));
      this.trees.set(stream, tree);
    }
    while (tree.size < checkpoint.seq) {
      const page = await this.store.readStream(stream, tree.size + 1, this.pageSize);
      if (page.length === 0 || page[0].seq !== tree.size + 1) {
        throw new Error(
          `stream "${stream}" is missing seq ${tree.size + 1}; run "otel-sequelize-audit verify"`,
        );
      }
      for (const record of page) {
        if (record.seq !== tree.size + 1 || tree.size >= checkpoint.seq) break;
        tree.append(recordLeaf(record));
      }
    }
    if (!tree.root(checkpoint.seq).equals(readCheckpoint(checkpoint.note).root)) {
      this.trees.delete(stream);
      throw new Error(
        `the records of stream "${stream}" do not match its signed checkpoint of size ${checkpoint.seq}; run "otel-sequelize-audit verify"`,
      );
    }
    return tree;
  }
}

function prefixOf(stream: string, prune: AuditCheckpoint | undefined): CompactRange | undefined {
  if (!prune) return undefined;
  if (!prune.range) {
    throw new Error(
      `stream "${stream}" was pruned at seq ${prune.seq} without a compact range; no proof can be built for it`,
    );
  }
  return CompactRange.from(
    prune.seq,
    prune.range.map((h) => Buffer.from(h, 'base64')),
  );
}
