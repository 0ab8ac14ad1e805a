import type { Transaction } from 'sequelize';
import type { AuditEvent, AuditOperation, AuditRecord } from '../types';

/** Which records to read. Every field narrows; none means all records. */
export interface AuditRecordFilter {
  table?: string;
  recordId?: string;
  actorId?: string;
  operation?: AuditOperation;
  stream?: string;
  traceId?: string;
  /** occurredAt >= since */
  since?: Date;
  /** occurredAt < until */
  until?: Date;
  /**
   * Every key must be in the record's metadata with this value, compared as text (so `3` and
   * `'3'` match the same records).
   */
  metadata?: Readonly<Record<string, string | number | boolean>>;
  /** One record by its event id. */
  eventId?: string;
  /** Records about one data subject (`audit.models.X.subject`). */
  subjectId?: string;
}

/** Keyset position in the (occurredAt, stream, seq) order. */
export interface AuditCursor {
  occurredAt: string;
  stream: string;
  seq: number;
}

export interface AuditFindOptions {
  /** At most this many records. @default 100 */
  limit?: number;
  /** Start after this position (exclusive), for paging. */
  after?: AuditCursor;
  /** By (occurredAt, stream, seq). @default 'asc' */
  order?: 'asc' | 'desc';
}

/** The head of one writer's hash chain. */
export interface StreamHead {
  stream: string;
  lastSeq: number;
  lastHash: string;
  records: number;
}

/**
 * A signed position in a chain, written periodically by the processor and by prune, so that
 * a truncated tail or a pruned head can still be verified.
 */
export interface AuditCheckpoint {
  stream: string;
  seq: number;
  hash: string;
  /** ISO 8601 */
  createdAt: string;
  /** `periodic` from the processor, `prune` where older records were removed. */
  kind: 'periodic' | 'prune';
  /**
   * The signed checkpoint (C2SP tlog-checkpoint note) of the stream's Merkle tree of `seq`
   * leaves; absent when no signing key is configured.
   */
  note?: string;
  /**
   * The compact range of that tree (base64 node hashes, left to right), so a restarted writer
   * or a pruned stream continues the tree without the records before `seq`.
   */
  range?: string[];
}

/**
 * Where audit records are persisted. Implementations: `SqlAuditStore`, `JsonlAuditStore`,
 * `OtlpLogAuditStore` (write-only).
 *
 * Writes are idempotent by `eventId`: appending a record whose event id is already stored
 * is a no-op, so replays after a crash never duplicate.
 */
export interface AuditStore {
  /** Short name used in errors and metrics, e.g. `sql:audit_log`. */
  readonly name: string;
  /** Creates or migrates what the store needs. Safe to call more than once. */
  init(): Promise<void>;
  /** Persists a batch of sealed records (in chain order within each stream). */
  append(records: readonly AuditRecord[]): Promise<void>;
  /**
   * Which of these event ids are stored already. Optional: the processor uses it before it
   * seals events spooled unsealed, so a replay after a crash never seals one twice.
   */
  knownEventIds?(eventIds: readonly string[]): Promise<Set<string>>;
  /** The head of a stream, or null when the stream has no record yet. */
  streamHead(stream: string): Promise<StreamHead | null>;
  /** Every stream's head. */
  streams(): Promise<StreamHead[]>;
  /** Records of one stream by seq, from `fromSeq` (inclusive), at most `limit`. */
  readStream(stream: string, fromSeq: number, limit: number): Promise<AuditRecord[]>;
  /** Records matching a filter in (occurredAt, stream, seq) order. */
  find(filter: AuditRecordFilter, options?: AuditFindOptions): Promise<AuditRecord[]>;
  /** How many records match a filter. */
  count(filter?: AuditRecordFilter): Promise<number>;
  writeCheckpoint(checkpoint: AuditCheckpoint): Promise<void>;
  /** Checkpoints of a stream, newest first. */
  checkpoints(stream: string): Promise<AuditCheckpoint[]>;
  /**
   * Every stream that has a checkpoint. Optional: `verifyChains` uses it to catch a stream
   * whose records were all deleted.
   */
  checkpointStreams?(): Promise<string[]>;
  /**
   * The distinct `table` of the records (the audited tables), sorted. Optional: the CLI uses it
   * to suggest a table name.
   */
  recordTables?(): Promise<string[]>;
  /**
   * Removes records that occurred before `before`, leaving a `prune` checkpoint per stream
   * with the hash at the cut so the rest of each chain stays verifiable.
   */
  prune(before: Date): Promise<{ removed: number }>;
  /**
   * Removes the records of each stream up to its seq in `cuts` (inclusive), leaving a `prune`
   * checkpoint at each cut. Optional: retention prune (`pruneByRetention`) needs it.
   */
  pruneThrough?(cuts: ReadonlyMap<string, number>): Promise<{ removed: number }>;
  close(): Promise<void>;
}

/**
 * A store that can write audit rows inside the application's own transaction
 * (`durability: 'transactional'`): rows are inserted unsealed (no seq, no hash) with the data
 * they describe, and sealed into their stream's chain by the processor after COMMIT with `seal`.
 */
export interface TransactionalAuditStore extends AuditStore {
  /** True when `transaction` belongs to the connection this store writes to. */
  canJoin(transaction: Transaction): boolean;
  /** Inserts unsealed rows for `events` of `stream` inside `transaction`. */
  insertUnsealed(
    events: readonly AuditEvent[],
    stream: string,
    transaction: Transaction,
  ): Promise<void>;
  /**
   * Like `append`, and a record whose row was inserted unsealed gets its seq, prev_hash and
   * hash (a sealed row is left as it is).
   */
  seal(records: readonly AuditRecord[]): Promise<void>;
  /** Committed rows of `stream` still waiting to be sealed (after a crash), oldest first. */
  unsealed(stream: string, limit: number): Promise<AuditEvent[]>;
}

/** True when `store` supports transactional durability. */
export function isTransactionalStore(store: AuditStore): store is TransactionalAuditStore {
  const candidate = store as Partial<TransactionalAuditStore>;
  return (
    typeof candidate.canJoin === 'function' &&
    typeof candidate.insertUnsealed === 'function' &&
    typeof candidate.seal === 'function' &&
    typeof candidate.unsealed === 'function'
  );
}
