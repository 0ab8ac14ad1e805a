import type { AuditableModelLike } from '../../internal-types';
import type { ModelCall } from '../../model-call';
import type { AuditOperation } from '../../types';
import { modelInfo } from '../model-info';
import type { ModelInfo } from '../model-info';
import type { RowChange } from '../record-builder';
import type { RawRow } from '../row-diff';
import { affectedRowsOfModelCall, describeWhere } from './statement-summary';
import { optionsAt, transactionOfCall } from './capture-context';
import type { CallOptions, CaptureContext } from './capture-context';
import { primaryKeyOf, readRows, rereadByPrimaryKey } from './row-reader';

/*
 * Bulk writes with a where: `Model.update`, `Model.destroy`, `Model.restore`,
 * `Model.increment` (and `decrement`, which delegates to it). Without individualHooks:
 * the affected rows (keys and before-values) are read in the writer's transaction just
 * before the write, and read again by primary key after it, so values computed by the
 * database (`count + 1`, `NOW()`, timestamps) are recorded as stored. A hard delete needs no
 * read after. Above `maxRowsPerStatement` rows, one statement-level record is written.
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
  increment: { optionsIndex: 1, paranoid: followCaller, statementOperation: () => 'update' },
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
  const result = await next();
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
  const hardDelete = call.method === 'destroy' && !isSoftDestroy(info, options);
  const changes = hardDelete
    ? before.map((row): RowChange => ({ info, before: row, after: null }))
    : await pairWithAfter(info, before, transaction);
  capture.recorder.recordRows(changes, transaction);
  return result;
}

async function pairWithAfter(
  info: ModelInfo,
  before: readonly RawRow[],
  transaction: Parameters<typeof rereadByPrimaryKey>[2],
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
