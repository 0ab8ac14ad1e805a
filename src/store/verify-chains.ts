import type { KeyObject } from 'node:crypto';
import type { VerifyResult } from '../types';
import type { ChainKeyInput, ChainKeyProvider } from '../integrity/chain-key';
import { ChainKeyring } from '../integrity/chain-key';
import { openCheckpoint, readCheckpoint, streamOrigin } from '../integrity/checkpoint-note';
import { CompactRange } from '../integrity/compact-range';
import { publicSigningKey } from '../integrity/signing-keys';
import type { KeyInput } from '../integrity/signing-keys';
import { openWitness } from '../integrity/witness/open-witness';
import type { WitnessInput } from '../integrity/witness/open-witness';
import { WitnessView } from '../integrity/witness-view';
import type { AuditCheckpoint, AuditStore, StreamHead } from './audit-store';
import { recheckRecord } from './chain-hash';

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
  /** The chain key(s) records were linked with (several when keys rotated). @default none: keyed hashes are not checked */
  chainKey?: ChainKeyInput | ReadonlyArray<ChainKeyInput | undefined>;
  /** Gives a chain key by its id (KMS). @default none */
  keyProvider?: ChainKeyProvider;
  /** Ed25519 public key of the checkpoint signer: every checkpoint must carry its valid signature. @default none */
  publicKey?: KeyInput;
  /** Witness(es) to compare the store with (`file:///dir`, `https://...`, a store URL). @default none */
  witness?: WitnessInput | WitnessInput[];
  /**
   * Report `keyed`, `checkpoints`, `witness` and `warnings` too. Always on when a key, a public
   * key or a witness is given. @default false
   */
  details?: boolean;
}

type Break = NonNullable<VerifyResult['firstBreak']>;

const UNKEYED_WARNING =
  'chain is not keyed: anyone who can write to the audit table can rewrite records and recompute every later hash; configure a chain key (AUDIT_CHAIN_KEY) and a signing key';
const UNCHECKED_WARNING =
  'keyed records were checked for their links only: give the chain key (--chain-key-env VAR) to check their hashes';

/**
 * Walks every hash chain of a store and reports the first broken link:
 * - `content changed`: a record's hash does not match its content (a value was edited);
 * - `record missing`: a seq is skipped (a record was deleted);
 * - `broken link`: a record does not link to the one before it (inserted or reordered);
 * - `truncated tail`: a checkpoint vouches for more records than the chain holds;
 * - `checkpoint mismatch`: the record at a checkpoint's seq has another hash, or the signed
 *   tree root differs from the records;
 * - `unkeyed record` / `unknown chain key`: a chain key was given and a record is not linked with it;
 * - `unsigned checkpoint` / `bad signature`: a public key was given and a checkpoint is not signed by it;
 * - `witness`: the witness holds a larger tree than the store, or another root for a size;
 * - `duplicate seq`: two records claim one place (file stores).
 * A stream pruned with `prune` is verified from its newest `prune` checkpoint on.
 *
 * @example
 * const result = await verifyChains(store, { chainKey, publicKey, witness: 'file:///var/lib/audit-witness' });
 * if (!result.ok) console.error(result.firstBreak);
 */
export async function verifyChains(
  store: AuditStore,
  options: VerifyChainsOptions = {},
): Promise<VerifyResult> {
  const keys = new ChainKeyring(
    Array.isArray(options.chainKey) ? options.chainKey : [options.chainKey as ChainKeyInput],
    options.keyProvider,
  );
  const publicKey = options.publicKey ? publicSigningKey(options.publicKey) : undefined;
  const witnesses = toList(options.witness).map(openWitness);
  const selected = (stream: string) => !options.streams || options.streams.includes(stream);
  const heads = (await allStreams(store)).filter((head) => selected(head.stream));
  const result: VerifyResult = {
    ok: true,
    streams: heads.length,
    records: 0,
    keyed: true,
    checkpoints: { total: 0, signed: 0, verified: 0 },
    warnings: [],
  };
  const fail = (stream: string, seq: number, reason: string) => {
    if (!result.ok) return;
    result.ok = false;
    result.firstBreak = { stream, seq, reason };
  };
  const seen = { plain: false, unchecked: false };
  let view: WitnessView | undefined;
  try {
    if (witnesses.length > 0) {
      try {
        view = await WitnessView.load(
          witnesses,
          heads.map((h) => h.stream),
          publicKey,
        );
      } catch (error) {
        fail('', 0, `witness: ${error instanceof Error ? error.message : String(error)}`);
      }
      result.witness = witnesses.map((w) => ({
        url: w.url,
        checkpoints: view?.counts.get(w.url) ?? 0,
      }));
      for (const stream of view?.streamNames() ?? []) {
        if (selected(stream) && !heads.some((h) => h.stream === stream)) {
          fail(
            stream,
            0,
            `witness: stream "${stream}" has signed checkpoints at the witness but nothing in the store (deleted)`,
          );
        }
      }
    }
    const total = heads.reduce((sum, head) => sum + head.records, 0);
    for (const head of heads) {
      const walk = new StreamWalk(store, head, { keys, publicKey, view, options, result, seen });
      const walked = await walk.run((records) => {
        options.onProgress?.({ records: result.records + records, total, stream: head.stream });
      });
      result.records += walked.records;
      if (walked.firstBreak)
        fail(walked.firstBreak.stream, walked.firstBreak.seq, walked.firstBreak.reason);
    }
  } finally {
    for (const witness of witnesses) await witness.close?.().catch(() => undefined);
  }
  result.keyed = result.records === 0 ? keys.configured : !seen.plain && !seen.unchecked;
  if (seen.plain) result.warnings?.push(UNKEYED_WARNING);
  if (seen.unchecked) result.warnings?.push(UNCHECKED_WARNING);
  if (!options.details && !keys.configured && !publicKey && witnesses.length === 0) {
    const { ok, streams, records, firstBreak } = result;
    return firstBreak ? { ok, streams, records, firstBreak } : { ok, streams, records };
  }
  return result;
}

function toList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
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

interface WalkContext {
  keys: ChainKeyring;
  publicKey?: KeyObject;
  view?: WitnessView;
  options: VerifyChainsOptions;
  result: VerifyResult;
  seen: { plain: boolean; unchecked: boolean };
}

interface Walked {
  records: number;
  firstBreak?: Break;
}

class Broken extends Error {
  constructor(
    readonly seq: number,
    reason: string,
  ) {
    super(reason);
  }
}

/** One stream's walk: links, keyed hashes, the Merkle tree against checkpoints and witnesses. */
class StreamWalk {
  private readonly vouched = new Map<number, AuditCheckpoint[]>();
  private range?: CompactRange;
  private records = 0;

  constructor(
    private readonly store: AuditStore,
    private readonly head: StreamHead,
    private readonly context: WalkContext,
  ) {}

  async run(onPage: (records: number) => void): Promise<Walked> {
    try {
      await this.walk(onPage);
      return { records: this.records };
    } catch (error) {
      if (!(error instanceof Broken)) throw error;
      return {
        records: this.records,
        firstBreak: { stream: this.head.stream, seq: error.seq, reason: error.message },
      };
    }
  }

  private async walk(onPage: (records: number) => void): Promise<void> {
    const { stream } = this.head;
    const checkpoints = await this.store.checkpoints(stream);
    const start = checkpoints.find((c) => c.kind === 'prune');
    for (const checkpoint of checkpoints) {
      if (start && checkpoint.seq <= start.seq) continue;
      this.vouched.set(checkpoint.seq, [...(this.vouched.get(checkpoint.seq) ?? []), checkpoint]);
    }
    this.range = startRange(start);
    if (start) this.checkCheckpoint(start);
    const pageSize = this.context.options.pageSize ?? 2000;
    let expectedSeq = start ? start.seq + 1 : 1;
    let prevHash: string | null = start ? start.hash : null;
    for (;;) {
      const page = await this.store.readStream(stream, expectedSeq, pageSize);
      for (const record of page) {
        if (record.seq < expectedSeq) {
          throw new Broken(record.seq, `duplicate seq: seq ${record.seq} appears more than once`);
        }
        if (record.seq !== expectedSeq) {
          throw new Broken(
            expectedSeq,
            `record missing: seq ${expectedSeq} is absent, next is ${record.seq}`,
          );
        }
        const key = await this.keyOf(record.seq, record.keyId);
        const { hash, leaf } = recheckRecord(record, key);
        if ((key !== undefined || record.keyId === undefined) && hash !== record.hash) {
          throw new Broken(record.seq, 'content changed: the hash does not match the record');
        }
        if (record.prevHash !== prevHash) {
          throw new Broken(
            record.seq,
            `broken link: prev_hash does not match seq ${record.seq - 1} (record inserted or reordered)`,
          );
        }
        this.range?.append(leaf);
        for (const checkpoint of this.vouched.get(record.seq) ?? []) {
          if (checkpoint.hash !== record.hash) {
            throw new Broken(
              record.seq,
              `checkpoint mismatch: the ${checkpoint.kind} checkpoint of ${checkpoint.createdAt} has another hash`,
            );
          }
          this.checkCheckpoint(checkpoint);
        }
        this.checkWitness(record.seq);
        prevHash = record.hash;
        expectedSeq += 1;
        this.records += 1;
      }
      onPage(this.records);
      if (page.length < pageSize) break;
    }
    this.checkTail(expectedSeq - 1);
  }

  /** The chain key of a record; undefined for plain records and when no key was given. */
  private async keyOf(seq: number, keyId: string | undefined) {
    const { keys, seen } = this.context;
    if (keyId === undefined) {
      if (keys.configured) {
        throw new Broken(
          seq,
          `unkeyed record: a chain key was given but seq ${seq} is plain SHA-256 (rehashed without the key, or written before a key was configured)`,
        );
      }
      seen.plain = true;
      return undefined;
    }
    if (!keys.configured) {
      seen.unchecked = true;
      return undefined;
    }
    const key = await keys.get(keyId);
    if (!key) {
      throw new Broken(
        seq,
        `unknown chain key: seq ${seq} names key id "${keyId}"; give that key too (keys rotate)`,
      );
    }
    return key;
  }

  /** A checkpoint's signed note against the tree of the records walked so far. */
  private checkCheckpoint(checkpoint: AuditCheckpoint): void {
    const { publicKey, result } = this.context;
    const counts = result.checkpoints as NonNullable<VerifyResult['checkpoints']>;
    counts.total += 1;
    const at = checkpoint.seq;
    if (!checkpoint.note) {
      if (publicKey && checkpoint.kind === 'periodic') {
        throw new Broken(
          at,
          `unsigned checkpoint: the checkpoint at seq ${at} has no signature (forged or replaced)`,
        );
      }
      return;
    }
    counts.signed += 1;
    let head;
    try {
      head = publicKey
        ? openCheckpoint(checkpoint.note, publicKey)
        : readCheckpoint(checkpoint.note);
    } catch (error) {
      throw new Broken(at, `bad signature: checkpoint at seq ${at}: ${(error as Error).message}`);
    }
    if (head.origin !== streamOrigin(this.head.stream) || head.size !== at) {
      throw new Broken(
        at,
        `checkpoint mismatch: the checkpoint at seq ${at} holds a signed tree of "${head.origin}" size ${head.size} (replaced by another checkpoint)`,
      );
    }
    if (this.range && this.range.size === at && !this.range.root().equals(head.root)) {
      throw new Broken(
        at,
        `checkpoint mismatch: the signed root at seq ${at} does not match the records (changed after signing)`,
      );
    }
    if (publicKey && this.range) counts.verified += 1;
  }

  private checkWitness(seq: number): void {
    const witnessed = this.context.view?.of(this.head.stream)?.roots.get(seq);
    if (!witnessed || !this.range || this.range.size !== seq) return;
    if (!this.range.root().equals(witnessed.root)) {
      throw new Broken(
        seq,
        `witness: ${witnessed.url} holds another signed root for the first ${seq} records (records rewritten, or a forked stream)`,
      );
    }
  }

  private checkTail(lastSeq: number): void {
    const furthest = Math.max(0, ...this.vouched.keys());
    if (furthest > lastSeq) {
      throw new Broken(
        lastSeq + 1,
        `truncated tail: the chain ends at seq ${lastSeq} but a checkpoint vouches for seq ${furthest}`,
      );
    }
    const witnessed = this.context.view?.of(this.head.stream);
    if (witnessed && witnessed.largest > lastSeq) {
      throw new Broken(
        lastSeq + 1,
        `witness: the witness holds a signed checkpoint of ${witnessed.largest} records but the store's chain ends at seq ${lastSeq} (newest records deleted, or the store restored from an older copy)`,
      );
    }
    if (this.context.view && !witnessed && lastSeq > 0) {
      this.context.result.warnings?.push(
        `witness holds no checkpoint of stream "${this.head.stream}" yet`,
      );
    }
  }
}

/** The tree before the first retained record: empty, or a prune checkpoint's compact range. */
function startRange(start: AuditCheckpoint | undefined): CompactRange | undefined {
  if (!start) return CompactRange.empty();
  if (!start.range) return undefined;
  try {
    return CompactRange.from(
      start.seq,
      start.range.map((hash) => Buffer.from(hash, 'base64')),
    );
  } catch (error) {
    throw new Broken(
      start.seq,
      `checkpoint mismatch: the prune checkpoint's compact range is malformed (${(error as Error).message})`,
    );
  }
}
