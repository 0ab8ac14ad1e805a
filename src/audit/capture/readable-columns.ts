import type { TransactionLike } from '../../sequelize/internal-types';
import type { ModelInfo } from '../model-info';
import { guardedRead } from './guarded-read';
import { attributesOf, queryInterfaceOf, tableOf } from '../../sequelize/sequelize-facts';

/*
 * The audit reads select the model's attributes by name. A model can be ahead of its table
 * (an attribute added before its migration ran): selecting the missing column would fail,
 * and on PostgreSQL a failed statement aborts the application's transaction. So the columns
 * the table really has are looked up once per model (one statement, in the writer's
 * transaction so that a pool of one connection cannot deadlock, savepointed where a failure
 * would abort it) and the reads select only those.
 */

const known = new WeakMap<ModelInfo, Promise<readonly string[]>>();

/** The model's attributes whose columns exist in its table (all of them if unknown). */
export function readableColumns(
  info: ModelInfo,
  transaction: TransactionLike | undefined,
): Promise<readonly string[]> {
  let columns = known.get(info);
  if (!columns) {
    columns = describeColumns(info, transaction);
    known.set(info, columns);
  }
  return columns;
}

async function describeColumns(
  info: ModelInfo,
  transaction: TransactionLike | undefined,
): Promise<readonly string[]> {
  try {
    const table = await guardedRead(info.model.sequelize, transaction, () =>
      queryInterfaceOf(info.model.sequelize).describeTable(tableOf(info.model), {
        transaction: transaction ?? null,
      }),
    );
    const existing = new Set(Object.keys(table));
    const attributes = attributesOf(info.model);
    const readable = info.columns.filter((name) =>
      existing.has(attributes.get(name)?.field ?? name),
    );
    return readable.length > 0 ? readable : info.columns;
  } catch {
    return info.columns;
  }
}
