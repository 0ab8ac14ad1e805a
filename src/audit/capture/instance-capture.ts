import type {
  AuditableModelLike,
  ModelInstanceLike,
  TransactionLike,
} from '../../sequelize/internal-types';
import type { ModelCall } from '../../sequelize/model-call';
import { modelInfo } from '../model-info';
import type { ModelInfo } from '../model-info';
import type { RawRow } from '../row-diff';
import { optionsAt, transactionOfCall } from './capture-context';
import type { CaptureContext } from './capture-context';
import { planDeleteCascade } from './cascade-capture';
import type { PlannedCascade } from './cascade-capture';
import { primaryKeyOf, rereadByPrimaryKey } from './row-reader';
import { hasSqlExpression } from './sql-expression';

/*
 * Instance writes: `save` (also under `create`, `update`, `findOrCreate`), `destroy`,
 * `restore`. The row before is what the instance last read or wrote (`_previousDataValues`),
 * the row after is what Sequelize wrote; no extra statement unless a value was a SQL
 * expression, whose stored result is read back.
 */

/** Captures `instance.save()`, `instance.destroy()` or `instance.restore()`. */
export async function captureInstanceWrite(
  call: ModelCall,
  next: () => Promise<unknown>,
  capture: CaptureContext,
): Promise<unknown> {
  const instance = call.instance as ModelInstanceLike;
  const info = modelInfo(call.model);
  const options = optionsAt(call.args, 0);
  const transaction = transactionOfCall(call.model as AuditableModelLike, options);
  const before = instance.isNewRecord ? null : storedRow(instance);
  const hardDelete = call.method === 'destroy' && (!info.deletedAt || options.force === true);
  const cascade =
    hardDelete && before ? await cascadeOf(info, before, transaction, capture) : undefined;
  const result = await next();
  // Read as it stands now: the record is built from it before anything can change it again.
  let after: RawRow | null = hardDelete ? null : instance._previousDataValues;
  if (after && hasSqlExpression(after))
    after = await readBack(info, storedRow(instance), transaction);
  capture.recorder.recordRows([{ info, before, after }], transaction);
  cascade?.record(capture.recorder, transaction);
  return result;
}

async function cascadeOf(
  info: ModelInfo,
  row: RawRow,
  transaction: TransactionLike | undefined,
  capture: CaptureContext,
): Promise<PlannedCascade | undefined> {
  try {
    return await planDeleteCascade(
      info,
      [row],
      transaction,
      capture.recorder.settings.maxRowsPerStatement,
    );
  } catch {
    return undefined;
  }
}

/** The values as stored: what the instance last read from or wrote to the database. */
function storedRow(instance: ModelInstanceLike): RawRow {
  return { ...instance._previousDataValues };
}

async function readBack(
  info: ModelInfo,
  row: RawRow,
  transaction: TransactionLike | undefined,
): Promise<RawRow> {
  try {
    const reread = await rereadByPrimaryKey(info, [row], transaction);
    return reread.get(primaryKeyOf(info, row)) ?? row;
  } catch {
    // The write succeeded: record what Sequelize wrote rather than nothing.
    return row;
  }
}
