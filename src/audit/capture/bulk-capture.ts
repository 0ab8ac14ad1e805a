import type { AuditableModelLike, TransactionLike } from '../../sequelize/internal-types';
import type { ModelCall } from '../../sequelize/model-call';
import type { AuditOperation } from '../../types';
import type { CaptureFallbackReason } from '../fallback-reporter';
import { modelInfo } from '../model-info';
import type { ModelInfo } from '../model-info';
import type { RowChange } from '../record-builder';
import { changedFields } from '../row-diff';
import type { RawRow } from '../row-diff';
import { planDeleteCascade, planUpdateCascade } from './cascade-capture';
import type { PlannedCascade } from './cascade-capture';
import { optionsAt, transactionOfCall } from './capture-context';
import type { CallOptions, CaptureContext } from './capture-context';
import { canLockRows, primaryKeyOf, readRows, rereadByPrimaryKey } from './row-reader';
import { hasSqlExpression } from './sql-expression';
import { affectedRowsOfModelCall, describeWhere } from './statement-summary';
import { awaitWrittenValues, takeWrittenValues } from './written-values';
import { attributesOf, dialectOf } from '../../sequelize/sequelize-facts';

/*
 * Bulk writes with a where: `Model.update`, `Model.destroy`, `Model.restore`,
 * `Model.increment` (and `decrement`, which delegates to it). Without individualHooks:
 * the affected rows (keys and before-values) are read in the writer's transaction just
 * before the write, locked there (`FOR UPDATE`) on the dialects that can. The rows after are
 * derived from them when the written values are known (a `Model.update` of plain values, a
 * restore, a hard delete: one extra statement in all); otherwise (`count + 1`, `NOW()`, a
 * soft-delete stamp, row-by-row individual hooks) they are read again by primary key, so
 * values computed by the database are recorded as stored. The rows recorded are checked
 * against the driver's affected count; a difference is covered by a statement-level record.
 * Above `maxRowsPerStatement` rows, or when a read fails, one statement-level record is written.
 */

interface BulkShape {
  /** Where the options argument is. */
  readonly optionsIndex: number;
  /** Which rows the statement can touch: `true` hides soft-deleted rows, as Sequelize does. */
  paranoid(info: ModelInfo, options: CallOptions): boolean;
  /** The operation of a statement-level record. */
  statementOperation(info: ModelInfo, options: CallOptions): AuditOperation;
}

const followCaller = (_info: ModelInfo, options: CallOptions) => options.paranoid !== false;

export const BULK_SHAPES: Readonly<Record<string, BulkShape>> = {
  update: { optionsIndex: 1, paranoid: followCaller, statementOperation: () => 'update' },
  // Model.increment adds no paranoid clause: it touches soft-deleted rows too.
  increment: { optionsIndex: 1, paranoid: () => false, statementOperation: () => 'update' },
  destroy: {
    optionsIndex: 0,
    paranoid: (info, options) => isSoftDestroy(info, options),
    statementOperation: (info, options) =>
      isSoftDestroy(info, options) ? 'soft_delete' : 'delete',
  },
  restore: { optionsIndex: 0, paranoid: () => false, statementOperation: () => 'restore' },
};

function isSoftDestroy(info: ModelInfo, options: CallOptions): boolean {
  return info.deletedAt !== undefined && options.force !== true;
}

/** Captures one bulk write; `shape` says how to read its arguments. */
export async function captureBulkWrite(
  call: ModelCall,
  next: () => Promise<unknown>,
  capture: CaptureContext,
  shape: BulkShape,
): Promise<unknown> {
  const info = modelInfo(call.model);
  const options = optionsAt(call.args, shape.optionsIndex);
  const transaction = transactionOfCall(call.model as AuditableModelLike, options);
  const write: BulkWrite = { call, info, options, transaction, shape, capture };
  if (info.primaryKeys.length === 0) return asStatement(write, next, 'no_primary_key');
  const cap = capture.recorder.settings.maxRowsPerStatement;
  let before: RawRow[];
  let cascade: PlannedCascade | undefined;
  try {
    before = await readRows(info, options.where, {
      transaction,
      paranoid: shape.paranoid(info, options),
      limit: rowLimit(options, cap + 1),
      lock: canLockRows(info, transaction),
    });
    if (before.length <= cap) cascade = await planCascade(write, before, cap);
  } catch (error) {
    return asStatement(write, next, 'pre_read_failed', error);
  }
  if (before.length > cap) return asStatement(write, next, 'row_cap');
  if (call.method === 'update') awaitWrittenValues(call);
  const result = await next();
  const written = call.method === 'update' ? takeWrittenValues(call) : undefined;
  const affected = affectedRowsOfModelCall(call.method, result);
  if (affected === 0) return result;
  try {
    const changes = await changesOf(write, before, written, affected);
    recordExactly(write, changes, affected);
  } catch (error) {
    recordAsStatement(write, affected, 'after_read_failed', error);
  }
  cascade?.record(capture.recorder, transaction);
  return result;
}

/** One bulk write being captured. */
interface BulkWrite {
  readonly call: ModelCall;
  readonly info: ModelInfo;
  readonly options: CallOptions;
  readonly transaction: TransactionLike | undefined;
  readonly shape: BulkShape;
  readonly capture: CaptureContext;
}

/** Runs the write and records it as one statement-level record, for `reason`. */
async function asStatement(
  write: BulkWrite,
  next: () => Promise<unknown>,
  reason: CaptureFallbackReason,
  error?: unknown,
): Promise<unknown> {
  const result = await next();
  recordAsStatement(write, affectedRowsOfModelCall(write.call.method, result), reason, error);
  return result;
}

function recordAsStatement(
  write: BulkWrite,
  affectedRows: number | undefined,
  reason: CaptureFallbackReason,
  error?: unknown,
): void {
  const { info, options, shape } = write;
  write.capture.recorder.recordFallback(
    {
      operation: shape.statementOperation(info, options),
      table: info.table,
      dbSystem: info.dbSystem,
      namespace: info.namespace,
      model: info.name,
      statement: describeWhere(info, options.where),
      affectedRows,
    },
    reason,
    write.transaction,
    error,
  );
}

/** The rows the write changed, before and after, from the rows read before it. */
async function changesOf(
  write: BulkWrite,
  before: readonly RawRow[],
  written: RawRow | undefined,
  affected: number | undefined,
): Promise<RowChange[]> {
  const { info, call, options, transaction } = write;
  const knownValues = knownWrittenValues(call.method, info, options, written);
  if (!knownValues) return pairWithAfter(info, before, transaction);
  const derived = before.map((row): RowChange => ({ info, before: row, after: knownValues(row) }));
  // More rows read than changed: someone deleted some of them between the read and the write
  // (never under the row locks of a transaction). Reading them again tells which are still there.
  const deletion = knownValues === deleted;
  if (affected === undefined || changedCount(write, derived) <= affected || deletion)
    return derived;
  return pairWithAfter(info, before, transaction);
}

/**
 * Records the changes, exactly as many as the database changed: rows it changed that the read
 * did not see (inserted by someone else between the read and the write) are covered by a
 * statement-level record with their count; when more rows were read than changed and which
 * ones cannot be told, the whole write becomes one statement-level record.
 */
function recordExactly(write: BulkWrite, changes: RowChange[], affected: number | undefined): void {
  const { recorder } = write.capture;
  const counted = changedCount(write, changes);
  if (affected !== undefined && counted > affected) {
    recordAsStatement(write, affected, 'row_count_mismatch');
    return;
  }
  recorder.recordRows(changes, write.transaction);
  if (affected !== undefined && affected > counted) {
    recordAsStatement(write, affected - counted, 'row_count_mismatch');
  }
}

/**
 * The rows among `changes` that the driver counts as affected: every matched row, except on
 * MySQL and MariaDB, where Sequelize's connections count only rows whose values changed.
 */
function changedCount(write: BulkWrite, changes: readonly RowChange[]): number {
  const dialect = dialectOf(write.info.model.sequelize);
  if (dialect !== 'mysql' && dialect !== 'mariadb') return changes.length;
  const { columns } = write.info;
  return changes.filter(
    (change) =>
      !change.before ||
      !change.after ||
      changedFields(change.before, change.after, columns).length > 0,
  ).length;
}

/** What ON DELETE / ON UPDATE rules will do to other tables' rows, read before the write. */
async function planCascade(
  write: BulkWrite,
  before: readonly RawRow[],
  cap: number,
): Promise<PlannedCascade | undefined> {
  const { call, info, options, transaction } = write;
  if (isHardDelete(call.method, info, options)) {
    return planDeleteCascade(info, before, transaction, cap);
  }
  const values = call.args[0];
  if (call.method !== 'update' || values === null || typeof values !== 'object') return undefined;
  return planUpdateCascade(info, before, values as RawRow, transaction, cap);
}

function isHardDelete(method: string, info: ModelInfo, options: CallOptions): boolean {
  return method === 'destroy' && !isSoftDestroy(info, options);
}

const deleted = (): null => null;

/**
 * How each row looks after the write when that is known without reading it again: `null`
 * for a hard delete, the row with the written values for a plain `Model.update` or a restore.
 */
function knownWrittenValues(
  method: string,
  info: ModelInfo,
  options: CallOptions,
  written: RawRow | undefined,
): ((row: RawRow) => RawRow | null) | undefined {
  if (isHardDelete(method, info, options)) return deleted;
  if (method === 'restore' && info.deletedAt) {
    const restored = { [info.deletedAt]: restoredDeletedAt(info) };
    return (row) => ({ ...row, ...restored });
  }
  if (method !== 'update' || !written || options.individualHooks || hasSqlExpression(written)) {
    return undefined;
  }
  const values = pickColumns(written, info.columns);
  return (row) => ({ ...row, ...values });
}

/** What `Model.restore` writes into `deletedAt`: its default value, else NULL. */
function restoredDeletedAt(info: ModelInfo): unknown {
  const attribute = info.deletedAt ? attributesOf(info.model).get(info.deletedAt) : undefined;
  return attribute?.hasDefaultValue ? attribute.defaultValue : null;
}

function pickColumns(values: RawRow, columns: readonly string[]): RawRow {
  const picked: RawRow = {};
  for (const column of columns) if (column in values) picked[column] = values[column];
  return picked;
}

async function pairWithAfter(
  info: ModelInfo,
  before: readonly RawRow[],
  transaction: TransactionLike | undefined,
): Promise<RowChange[]> {
  const after = await rereadByPrimaryKey(info, before, transaction);
  const changes: RowChange[] = [];
  for (const row of before) {
    // A row gone by now was deleted by someone else between the reads: not this write's doing.
    const stored = after.get(primaryKeyOf(info, row));
    if (stored) changes.push({ info, before: row, after: stored });
  }
  return changes;
}

/** The caller's own `limit` (MySQL-family bulk writes accept one), capped by ours. */
function rowLimit(options: CallOptions, cap: number): number {
  const own = options.limit;
  return typeof own === 'number' && own > 0 ? Math.min(own, cap) : cap;
}
