import type { AuditCheckpoint, AuditStore } from '../store/audit-store';
import { recordLeaf } from '../store/chain-hash';
import type { AuditRecord } from '../types';
import { signCheckpoint, streamOrigin } from './checkpoint-note';
import { CompactRange } from './compact-range';
import { privateSigningKey } from './signing-keys';
import type { KeyInput } from './signing-keys';

const PAGE = 2000;

/**
 * Before `store.prune(before)`: writes, per stream, the signed `prune` checkpoint at the cut
 * the store will make (the last record before the first one that occurred at or after
 * `before`), with the compact range of the tree there. The retained records then verify
 * against it, and consistency and inclusion proofs stay possible for them.
 *
 * @example
 * await signPruneCheckpoints(store, before, privateKeyPem);
 * await store.prune(before);
 */
export async function signPruneCheckpoints(
  store: AuditStore,
  before: Date | ReadonlyMap<string, number>,
  signingKey: KeyInput,
): Promise<AuditCheckpoint[]> {
  // A date cuts each stream before its first record at or after it; a map names each cut's seq.
  const beyondCut = (record: AuditRecord) =>
    before instanceof Date
      ? Date.parse(record.occurredAt) >= before.getTime()
      : record.seq > (before.get(record.stream) ?? 0);
  const key = privateSigningKey(signingKey);
  const written: AuditCheckpoint[] = [];
  for (const head of await store.streams()) {
    const start = (await store.checkpoints(head.stream)).find((c) => c.kind === 'prune');
    if (start && !start.range) {
      throw new Error(
        `stream "${head.stream}" was pruned at seq ${start.seq} without a compact range; its tree cannot be signed any more`,
      );
    }
    const range = start?.range
      ? CompactRange.from(
          start.seq,
          start.range.map((h) => Buffer.from(h, 'base64')),
        )
      : CompactRange.empty();
    let cutHash: string | undefined;
    let next = range.size + 1;
    walk: for (;;) {
      const page = await store.readStream(head.stream, next, PAGE);
      for (const record of page) {
        if (record.seq !== range.size + 1 || beyondCut(record)) {
          break walk;
        }
        range.append(recordLeaf(record));
        cutHash = record.hash;
      }
      if (page.length < PAGE) break;
      next = range.size + 1;
    }
    if (!cutHash) continue;
    const checkpoint: AuditCheckpoint = {
      stream: head.stream,
      seq: range.size,
      hash: cutHash,
      createdAt: new Date().toISOString(),
      kind: 'prune',
      range: range.hashes.map((h) => h.toString('base64')),
      note: signCheckpoint(
        { origin: streamOrigin(head.stream), size: range.size, root: range.root() },
        key,
      ),
    };
    await store.writeCheckpoint(checkpoint);
    written.push(checkpoint);
  }
  return written;
}
