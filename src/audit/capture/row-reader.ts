import type { ModelInstanceLike, TransactionLike } from '../../sequelize/internal-types';
import type { ModelInfo } from '../model-info';
import type { RawRow } from '../row-diff';
import { guardedRead } from './guarded-read';
import { readableColumns } from './readable-columns';
import { dialectOf, unscopedModel } from '../../sequelize/sequelize-facts';

const OP_OR = Symbol.for('or');

/** How a row read runs: in the writer's transaction, invisible to the user's find hooks. */
export interface ReadOptions {
  readonly transaction: TransactionLike | undefined;
  /** Sequelize's paranoid filter: `true` hides soft-deleted rows. */
  readonly paranoid: boolean;
  readonly limit?: number;
  /** Locks the rows read (`FOR UPDATE`) until the transaction ends. @default false */
  readonly lock?: boolean;
}

/** Dialects whose row reads can take row locks (`SELECT ... FOR UPDATE`). */
const ROW_LOCK_DIALECTS: ReadonlySet<string> = new Set(['postgres', 'mysql', 'mariadb']);

/**
 * Whether the rows a write is about to change can be locked as they are read: only inside a
 * transaction (an autocommit read would release its locks at once) on a dialect with row locks.
 * Locked, they cannot be changed or deleted by anyone else until the write's transaction ends.
 */
export function canLockRows(info: ModelInfo, transaction: TransactionLike | undefined): boolean {
  return transaction !== undefined && ROW_LOCK_DIALECTS.has(dialectOf(info.model.sequelize));
}

/**
 * Reads the rows matching `where` (the caller's where, with the model's default scope as
 * Sequelize applies it to the write), every stored column, without running find hooks.
 */
export async function readRows(
  info: ModelInfo,
  where: unknown,
  options: ReadOptions,
): Promise<RawRow[]> {
  const attributes = [...(await readableColumns(info, options.transaction))];
  const instances = await guardedRead(info.model.sequelize, options.transaction, () =>
    info.model.findAll({
      where,
      attributes,
      transaction: options.transaction ?? null,
      paranoid: options.paranoid,
      limit: options.limit,
      ...(options.lock ? { lock: true } : {}),
      hooks: false,
      logging: false,
    }),
  );
  return instances.map(rowOf);
}

/** Reads rows again by primary key, whatever their scope or soft-delete state now. */
export async function rereadByPrimaryKey(
  info: ModelInfo,
  rows: readonly RawRow[],
  transaction: TransactionLike | undefined,
): Promise<Map<string, RawRow>> {
  const byKey = new Map<string, RawRow>();
  if (rows.length === 0 || info.primaryKeys.length === 0) return byKey;
  const attributes = [...(await readableColumns(info, transaction))];
  const instances = await guardedRead(info.model.sequelize, transaction, () =>
    unscopedModel(info.model).findAll({
      where: primaryKeyWhere(info, rows),
      attributes,
      transaction: transaction ?? null,
      paranoid: false,
      hooks: false,
      logging: false,
    }),
  );
  for (const instance of instances) {
    const row = rowOf(instance);
    byKey.set(primaryKeyOf(info, row), row);
  }
  return byKey;
}

/** A where clause that matches exactly these rows by primary key. */
export function primaryKeyWhere(
  info: ModelInfo,
  rows: readonly RawRow[],
): Record<string | symbol, unknown> {
  if (info.primaryKeys.length === 1) {
    const [key] = info.primaryKeys;
    return { [key]: rows.map((row) => row[key]) };
  }
  return { [OP_OR]: rows.map((row) => pick(row, info.primaryKeys)) };
}

/** A map key for a row's primary key (stable across reads of the same row). */
export function primaryKeyOf(info: ModelInfo, row: RawRow): string {
  return JSON.stringify(info.primaryKeys.map((key) => normalizeKeyPart(row[key])));
}

function normalizeKeyPart(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint' || typeof value === 'number') return String(value);
  return value ?? null;
}

/** The stored values of an instance, by attribute name. */
export function rowOf(instance: ModelInstanceLike): RawRow {
  return { ...instance.dataValues };
}

function pick(row: RawRow, keys: readonly string[]): RawRow {
  const picked: RawRow = {};
  for (const key of keys) picked[key] = row[key];
  return picked;
}
