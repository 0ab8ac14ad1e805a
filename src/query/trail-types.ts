import type { AuditActor, AuditOperation, AuditRecord } from '../types';

/**
 * A row's primary key: its value (`42`, `'a1'`), or an object of column values for a
 * composite key (`{ orderId: 7, line: 2 }`), or the stored text form (canonical JSON for
 * composite keys).
 *
 * @example
 * await trail.history('order_lines', { orderId: 7, line: 2 });
 */
export type RecordKey =
  string | number | bigint | Readonly<Record<string, string | number | bigint | boolean | null>>;

/** Column values of a row, as the audit records carry them (after redaction). */
export type RowValues = Record<string, unknown>;

/**
 * Where a row stands after a version: not created yet, live, soft-deleted (paranoid
 * models keep the row with `deletedAt` set), or deleted.
 */
export type RowStatus = 'absent' | 'present' | 'soft_deleted' | 'deleted';

/** One field's change. A side is `undefined` when the field did not exist there. */
export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

/** One version of a row: the record that made it, and what changed. */
export interface RowVersion {
  /** 1 for the oldest record of the row in the store, then 2, 3, ... */
  version: number;
  occurredAt: string;
  operation: AuditOperation;
  actor?: AuditActor;
  traceId?: string;
  /** The record's metadata, when it has any. */
  metadata?: Readonly<Record<string, string | number | boolean>>;
  /** Where the row stands after this version. */
  status: RowStatus;
  /** The fields this version changed, with their values before and after. */
  changes: FieldChange[];
  /** The stored record, for everything else (reason, request id, transaction, chain place). */
  record: AuditRecord;
}

/** Paging of `history()` and `changes()`. */
export interface PageOptions {
  /** At most this many items per page. @default 100 */
  limit?: number;
  /** The `nextPageToken` of the previous page; the first page when not given. */
  pageToken?: string;
}

/** One page of a row's history. */
export interface HistoryPage {
  table: string;
  recordId: string;
  versions: RowVersion[];
  /** Pass as `pageToken` for the next page; absent on the last page. */
  nextPageToken?: string;
}

/** The row as it was at a moment, with the version that made it so. */
export interface RowState {
  table: string;
  recordId: string;
  /** The row values; `null` before it existed and after it was deleted or soft-deleted. */
  row: RowValues | null;
  status: RowStatus;
  /** The last version at or before the moment; absent when none. */
  version?: RowVersion;
  /**
   * The values as last recorded even when the row is soft-deleted or deleted (the last
   * image), `null` before it existed.
   */
  lastValues: RowValues | null;
}

/** Options of `asOf()` / `stateAt()`. */
export interface AsOfOptions {
  /**
   * Return a soft-deleted row's values instead of `null` (as `paranoid: false` would).
   * @default false
   */
  includeSoftDeleted?: boolean;
}

/** A point of a row's history: a version number (1 = oldest), or a moment. */
export type HistoryPoint = number | Date;

/** Field-by-field difference between two points of a row's history. */
export interface RowDiff {
  table: string;
  recordId: string;
  from: RowState;
  to: RowState;
  /** Fields whose values differ, sorted by name. */
  changes: FieldChange[];
}

/** Filter of `changes()`. Every field narrows; none lists the whole trail. */
export interface ChangesQuery {
  /** Actor id. */
  actor?: string;
  table?: string;
  /** Primary key of one row (needs `table` to be meaningful). */
  recordId?: RecordKey;
  operation?: AuditOperation;
  traceId?: string;
  /** Records that occurred at or after this moment. */
  since?: Date;
  /** Records that occurred before this moment. */
  until?: Date;
  /**
   * Records whose metadata has every one of these keys with this value (compared as text).
   * @example metadata: { ticket: 'OPS-12' }
   */
  metadata?: Readonly<Record<string, string | number | boolean>>;
  /** Oldest first (`asc`) or newest first (`desc`). @default 'asc' */
  order?: 'asc' | 'desc';
}

/** One page of `changes()`. */
export interface ChangesPage {
  records: AuditRecord[];
  /** Pass as `pageToken` for the next page; absent on the last page. */
  nextPageToken?: string;
}

/** One change of one field, as `whoChanged()` reports it. */
export interface FieldChangeEvent extends FieldChange {
  version: number;
  occurredAt: string;
  operation: AuditOperation;
  actor?: AuditActor;
  reason?: string;
  traceId?: string;
  eventId: string;
}

/**
 * What to write to bring a row back to an earlier version. `revert()` only computes it;
 * writing it is up to the caller (through the model, so that the write is audited too).
 * - `none`: the row already has those values.
 * - `update`: write `values` to the live row.
 * - `restore`: the row is soft-deleted; restore it and write `values`.
 * - `insert`: the row is gone; create it with `values`.
 * - `delete`: the row did not exist (or was deleted) at that version; delete it.
 */
export interface RevertPlan {
  table: string;
  recordId: string;
  toVersion: number;
  action: 'none' | 'update' | 'restore' | 'insert' | 'delete';
  /** The values to write. */
  values: RowValues;
  /** Fields of `values` the trail holds only redacted or truncated: they cannot be restored from it. */
  unrecoverableFields: string[];
  current: RowState;
  target: RowState;
}

/** Progress of a long walk (verify), called every few thousand records. */
export interface WalkProgress {
  /** Records processed so far. */
  done: number;
  /** Records expected in total, when known. */
  total?: number;
}
