import type {
  AuditableModelLike,
  ModelInstanceLike,
  TransactionLike,
} from '../../sequelize/internal-types';
import type { ModelCall } from '../../sequelize/model-call';
import { modelInfo } from '../model-info';
import type { ModelInfo } from '../model-info';
import type { RowChange } from '../record-builder';
import type { CaptureFallbackReason } from '../fallback-reporter';
import type { RawRow } from '../row-diff';
import { optionsAt, transactionOfCall } from './capture-context';
import type { CallOptions, CaptureContext } from './capture-context';
import { primaryKeyOf, readRows, rereadByPrimaryKey, rowOf } from './row-reader';
import { hasSqlExpression } from './sql-expression';
import { attributesOf, uniqueKeysOf } from '../../sequelize/sequelize-facts';

/*
 * Inserts that may meet an existing row: `Model.bulkCreate` (plain, `ignoreDuplicates`,
 * `updateOnDuplicate`) and `Model.upsert`. A plain bulkCreate is recorded from the instances
 * it returns (ids included on every dialect). When a row may already exist, the rows with
 * the same key are read before and after the write, so each row is recorded as what really
 * happened: an insert, an update, or nothing (an ignored duplicate).
 */

type KeyedRecord = Readonly<Record<string, unknown>>;

/** Captures `Model.bulkCreate(records, options)`. */
export async function captureBulkCreate(
  call: ModelCall,
  next: () => Promise<unknown>,
  capture: CaptureContext,
): Promise<unknown> {
  const info = modelInfo(call.model);
  const options = optionsAt(call.args, 1);
  const records = Array.isArray(call.args[0]) ? (call.args[0] as KeyedRecord[]) : [];
  const transaction = transactionOfCall(call.model as AuditableModelLike, options);
  if (records.length > capture.recorder.settings.maxRowsPerStatement) {
    return captureAsStatement(call, next, capture, transaction, 'row_cap');
  }
  const mayMeetExisting = Boolean(options.ignoreDuplicates || options.updateOnDuplicate);
  let lookup: ExistingRows | undefined;
  try {
    lookup = mayMeetExisting ? await readExisting(info, records, options, transaction) : undefined;
  } catch (error) {
    return captureAsStatement(call, next, capture, transaction, 'pre_read_failed', error);
  }
  const result = await next();
  const created = Array.isArray(result) ? (result as ModelInstanceLike[]).map(rowOf) : [];
  try {
    const changes = lookup
      ? await compareWithExisting(info, lookup, created, transaction)
      : await insertsOf(info, created, transaction);
    capture.recorder.recordRows(changes, transaction);
  } catch (error) {
    recordInsertStatement(call, capture, transaction, created.length, 'after_read_failed', error);
  }
  return result;
}

/** A write recorded as one statement-level record (above `maxRowsPerStatement`, a failed read). */
async function captureAsStatement(
  call: ModelCall,
  next: () => Promise<unknown>,
  capture: CaptureContext,
  transaction: TransactionLike | undefined,
  reason: CaptureFallbackReason,
  error?: unknown,
): Promise<unknown> {
  const result = await next();
  const count = Array.isArray(result) ? (call.method === 'upsert' ? 1 : result.length) : undefined;
  recordInsertStatement(call, capture, transaction, count, reason, error);
  return result;
}

function recordInsertStatement(
  call: ModelCall,
  capture: CaptureContext,
  transaction: TransactionLike | undefined,
  affectedRows: number | undefined,
  reason: CaptureFallbackReason,
  error?: unknown,
): void {
  const info = modelInfo(call.model);
  capture.recorder.recordFallback(
    {
      operation: call.method === 'upsert' ? 'unknown' : 'insert',
      table: info.table,
      dbSystem: info.dbSystem,
      namespace: info.namespace,
      model: info.name,
      affectedRows,
    },
    reason,
    transaction,
    error,
  );
}

/** Captures `Model.upsert(values, options)`. */
export async function captureUpsert(
  call: ModelCall,
  next: () => Promise<unknown>,
  capture: CaptureContext,
): Promise<unknown> {
  const info = modelInfo(call.model);
  const options = optionsAt(call.args, 1);
  const values = (call.args[0] ?? {}) as KeyedRecord;
  const transaction = transactionOfCall(call.model as AuditableModelLike, options);
  let lookup: ExistingRows;
  try {
    lookup = await readExisting(info, [values], options, transaction);
  } catch (error) {
    return captureAsStatement(call, next, capture, transaction, 'pre_read_failed', error);
  }
  const result = await next();
  const returned = Array.isArray(result) ? (result[0] as ModelInstanceLike | undefined) : undefined;
  try {
    const written = returned ? [rowOf(returned)] : [];
    capture.recorder.recordRows(
      await compareWithExisting(info, lookup, written, transaction),
      transaction,
    );
  } catch (error) {
    recordInsertStatement(call, capture, transaction, 1, 'after_read_failed', error);
  }
  return result;
}

interface ExistingRows {
  /** The key fields rows are matched by (the primary key, or a unique key). */
  readonly keyFields: readonly string[];
  /** Rows found before the write, by key. */
  readonly before: Map<string, RawRow>;
  /** The where that finds the written rows again. */
  readonly where?: unknown;
}

async function readExisting(
  info: ModelInfo,
  records: readonly KeyedRecord[],
  options: CallOptions,
  transaction: TransactionLike | undefined,
): Promise<ExistingRows> {
  const keyFields = lookupKey(info, records, options);
  const keyed = records.filter((record) => keyFields.every((field) => record[field] != null));
  if (keyFields.length === 0 || keyed.length === 0) return { keyFields, before: new Map() };
  const where = { [Symbol.for('or')]: keyed.map((record) => pick(record, keyFields)) };
  const rows = await readRows(info, where, { transaction, paranoid: false });
  return { keyFields, before: indexBy(rows, keyFields), where };
}

async function compareWithExisting(
  info: ModelInfo,
  existing: ExistingRows,
  written: readonly RawRow[],
  transaction: TransactionLike | undefined,
): Promise<RowChange[]> {
  if (existing.where === undefined) return insertsOf(info, written, transaction);
  const after = indexBy(
    await readRows(info, existing.where, { transaction, paranoid: false }),
    existing.keyFields,
  );
  const changes: RowChange[] = [];
  for (const [key, row] of after)
    changes.push({ info, before: existing.before.get(key) ?? null, after: row });
  const unkeyed = written.filter((row) => !existing.keyFields.every((field) => row[field] != null));
  return changes.concat(await insertsOf(info, unkeyed, transaction));
}

/** Inserted rows as recorded; rows holding SQL expressions are read back as stored. */
async function insertsOf(
  info: ModelInfo,
  rows: readonly RawRow[],
  transaction: TransactionLike | undefined,
): Promise<RowChange[]> {
  const withExpressions = rows.filter(hasSqlExpression);
  const reread = withExpressions.length
    ? await rereadByPrimaryKey(info, withExpressions, transaction)
    : undefined;
  return rows.map((row) => ({
    info,
    before: null,
    after: (reread && info.primaryKeys.length && reread.get(primaryKeyOf(info, row))) || row,
  }));
}

/**
 * The fields rows are matched by: the primary key when the records carry it, else the
 * conflict fields the caller named, else the first unique key the records fill.
 */
function lookupKey(
  info: ModelInfo,
  records: readonly KeyedRecord[],
  options: CallOptions,
): string[] {
  const fills = (fields: readonly string[]) =>
    fields.length > 0 && records.some((record) => fields.every((field) => record[field] != null));
  if (fills(info.primaryKeys)) return [...info.primaryKeys];
  const conflict = (options.conflictAttributes ?? options.conflictFields) as string[] | undefined;
  if (Array.isArray(conflict) && fills(conflict)) return conflict;
  for (const unique of uniqueAttributeKeys(info.model)) if (fills(unique)) return unique;
  return [];
}

function uniqueAttributeKeys(model: AuditableModelLike): string[][] {
  return uniqueKeysOf(model).map((fields) => attributeNames(model, fields));
}

/** Unique keys list column names; records and rows use attribute names. */
function attributeNames(model: AuditableModelLike, fields: readonly string[]): string[] {
  const byField = new Map<string, string>();
  for (const [name, attribute] of attributesOf(model)) byField.set(attribute.field, name);
  return fields.map((field) => byField.get(field) ?? field);
}

function indexBy(rows: readonly RawRow[], keyFields: readonly string[]): Map<string, RawRow> {
  const index = new Map<string, RawRow>();
  for (const row of rows) index.set(keyOf(row, keyFields), row);
  return index;
}

function keyOf(row: Readonly<Record<string, unknown>>, keyFields: readonly string[]): string {
  return JSON.stringify(keyFields.map((field) => String(row[field] ?? '')));
}

function pick(record: KeyedRecord, keys: readonly string[]): RawRow {
  const picked: RawRow = {};
  for (const key of keys) picked[key] = record[key];
  return picked;
}
