import type { AuditableModelLike, TransactionLike } from '../../sequelize/internal-types';
import type { ModelCall } from '../../sequelize/model-call';
import type { AuditOperation } from '../../types';
import { modelInfo } from '../model-info';
import type { ModelInfo } from '../model-info';
import type { RowChange } from '../record-builder';
import type { RawRow } from '../row-diff';
import { optionsAt, transactionOfCall } from './capture-context';
import type { CallOptions, CaptureContext } from './capture-context';
import { primaryKeyOf, readRows, rereadByPrimaryKey } from './row-reader';
import { hasSqlExpression } from './sql-expression';
import { affectedRowsOfModelCall, describeWhere } from './statement-summary';
import { awaitWrittenValues, takeWrittenValues } from './written-values';

/*
 * Bulk writes with a where: `Model.update`, `Model.destroy`, `Model.restore`,
 * `Model.increment` (and `decrement`, which delegates to it). Without individualHooks:
 * the affected rows (keys and before-values) are read in the writer's transaction just
 * before the write. The rows after are derived from them when the written values are known
 * (a `Model.update` of plain values, a restore, a hard delete: one extra statement in all);
 * otherwise (`count + 1`, `NOW()`, a soft-delete stamp, row-by-row individual hooks) they are
 * read again by primary key, so values computed by the database are recorded as stored.
 * Above `maxRowsPerStatement` rows, one statement-level record is written.
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
  const settings = capture.recorder.settings;
  const rowLevel = info.primaryKeys.length > 0;
  const before = rowLevel
    ? await readRows(info, options.where, {
        transaction,
        paranoid: shape.paranoid(info, options),
        limit: rowLimit(options, settings.maxRowsPerStatement + 1),
      })
    : [];
  if (call.method === 'update') awaitWrittenValues(call, info.model.sequelize);
  const result = await next();
  const written = call.method === 'update' ? takeWrittenValues(call) : undefined;
  if (!rowLevel || before.length > settings.maxRowsPerStatement) {
    capture.recorder.recordStatement(
      {
        operation: shape.statementOperation(info, options),
        table: info.table,
        dbSystem: info.dbSystem,
        namespace: info.namespace,
        model: info.name,
        statement: describeWhere(info, options.where),
        affectedRows: affectedRowsOfModelCall(call.method, result),
      },
      transaction,
    );
    return result;
  }
  if (affectedRowsOfModelCall(call.method, result) === 0) return result;
  const knownValues = knownWrittenValues(call.method, info, options, written);
  const changes = knownValues
    ? before.map((row): RowChange => ({ info, before: row, after: knownValues(row) }))
    : await pairWithAfter(info, before, transaction);
  capture.recorder.recordRows(changes, transaction);
  return result;
}

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
  if (method === 'destroy' && !isSoftDestroy(info, options)) return () => null;
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
  const attribute = info.deletedAt ? info.model.rawAttributes[info.deletedAt] : undefined;
  return attribute && 'defaultValue' in attribute ? attribute.defaultValue : null;
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
