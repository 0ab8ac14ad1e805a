import type { VerifyResult } from '../types';
import type { AuditCheckpoint, AuditStore, StreamHead } from './audit-store';
import { hashRecord } from './chain-hash';

/** Progress of `verifyChains`, reported after each page of records. */
export interface VerifyProgress {
  /** Records checked so far, over every stream. */
  records: number;
  /** Records in every stream, as the stream heads said when the walk began. */
  total: number;
  stream: string;
}

/** Options of `verifyChains`. */
export interface VerifyChainsOptions {
  /** Called after each page. */
  onProgress?: (progress: VerifyProgress) => void;
  /** Records read per `readStream` call. @default 2000 */
  pageSize?: number;
  /** Verify these streams only. @default every stream */
  streams?: string[];
}

type Break = NonNullable<VerifyResult['firstBreak']>;

/**
 * Walks every hash chain of a store and reports the first broken link:
 * - `content changed`: a record's hash does not match its content (a value was edited);
 * - `record missing`: a seq is skipped (a record was deleted);
 * - `broken link`: a record does not link to the one before it (inserted or reordered);
 * - `truncated tail`: a checkpoint vouches for more records than the chain holds;
 * - `checkpoint mismatch`: the record at a checkpoint's seq has another hash;
 * - `duplicate seq`: two records claim one place (file stores).
 * A stream pruned with `prune` is verified from its newest `prune` checkpoint on.
 *
 * @example
 * const result = await verifyChains(store);
 * if (!result.ok) console.error(result.firstBreak);
 */
export async function verifyChains(
  store: AuditStore,
  options: VerifyChainsOptions = {},
): Promise<VerifyResult> {
  const heads = (await allStreams(store)).filter(
    (head) => !options.streams || options.streams.includes(head.stream),
  );
  const total = heads.reduce((sum, head) => sum + head.records, 0);
  const result: VerifyResult = { ok: true, streams: heads.length, records: 0 };
  for (const head of heads) {
    const walked = await verifyStream(store, head, options, (records) => {
      options.onProgress?.({ records: result.records + records, total, stream: head.stream });
    });
    result.records += walked.records;
    if (walked.firstBreak && result.ok) {
      result.ok = false;
      result.firstBreak = walked.firstBreak;
    }
  }
  return result;
}

/** Streams with records, and streams that only have checkpoints left (every record deleted). */
async function allStreams(store: AuditStore): Promise<StreamHead[]> {
  const heads = await store.streams();
  const known = new Set(heads.map((head) => head.stream));
  for (const stream of (await store.checkpointStreams?.()) ?? []) {
    if (!known.has(stream)) heads.push({ stream, lastSeq: 0, lastHash: '', records: 0 });
  }
  return heads;
}

interface StreamWalk {
  records: number;
  firstBreak?: Break;
}

async function verifyStream(
  store: AuditStore,
  head: StreamHead,
  options: VerifyChainsOptions,
  onPage: (records: number) => void,
): Promise<StreamWalk> {
  const checkpoints = await store.checkpoints(head.stream);
  const start = checkpoints.find((c) => c.kind === 'prune');
  const vouched = new Map<number, AuditCheckpoint>();
  for (const checkpoint of checkpoints) {
    if (!start || checkpoint.seq > start.seq) vouched.set(checkpoint.seq, checkpoint);
  }
  const pageSize = options.pageSize ?? 2000;
  const broken = (seq: number, reason: string): StreamWalk => ({
    records,
    firstBreak: { stream: head.stream, seq, reason },
  });
  let expectedSeq = start ? start.seq + 1 : 1;
  let prevHash: string | null = start ? start.hash : null;
  let records = 0;
  for (;;) {
    const page = await store.readStream(head.stream, expectedSeq, pageSize);
    for (const record of page) {
      if (record.seq < expectedSeq) {
        return broken(record.seq, `duplicate seq: seq ${record.seq} appears more than once`);
      }
      if (record.seq !== expectedSeq) {
        return broken(
          expectedSeq,
          `record missing: seq ${expectedSeq} is absent, next is ${record.seq}`,
        );
      }
      if (hashRecord(record.prevHash, record) !== record.hash) {
        return broken(record.seq, 'content changed: the hash does not match the record');
      }
      if (record.prevHash !== prevHash) {
        return broken(
          record.seq,
          `broken link: prev_hash does not match seq ${record.seq - 1} (record inserted or reordered)`,
        );
      }
      const checkpoint = vouched.get(record.seq);
      if (checkpoint && checkpoint.hash !== record.hash) {
        return broken(
          record.seq,
          `checkpoint mismatch: the ${checkpoint.kind} checkpoint of ${checkpoint.createdAt} has another hash`,
        );
      }
      prevHash = record.hash;
      expectedSeq += 1;
      records += 1;
    }
    onPage(records);
    if (page.length < pageSize) break;
  }
  const lastSeq = expectedSeq - 1;
  const furthest = Math.max(0, ...vouched.keys());
  if (furthest > lastSeq) {
    return broken(
      lastSeq + 1,
      `truncated tail: the chain ends at seq ${lastSeq} but a checkpoint vouches for seq ${furthest}`,
    );
  }
  return { records };
}
