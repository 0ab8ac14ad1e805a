import type { ModelStaticLike } from '../../sequelize/internal-types';
import { recordIdOfKey } from '../../record-id';
import { boundedText, KEY_COLUMN_CHARS } from '../bounded-text';
import { modelInfo } from '../model-info';
import type { ModelInfo } from '../model-info';
import { buildStatementEvent } from '../record-builder';
import type { CaptureOrigin, PendingAuditEvent } from '../record-builder';
import type { AccessedRows } from './access-rows';
import { describeWhere } from './statement-summary';

/**
 * Most rows of one model named one by one in one find; above it, one statement-level record
 * stands for them. A find of a whole table must not write a record per row (the trail would
 * grow with every listing page), while the common reads (one patient, a page of 20 or 50)
 * stay answerable per row: "who read patient 42" is a lookup by (table, record id).
 */
export const ACCESS_ROW_CAP = 100;

/** The find that disclosed the rows, for the statement-level record. */
export interface AccessSource {
  readonly model: ModelStaticLike;
  readonly method: string;
  readonly where: unknown;
}

/**
 * The `access` records of one model's rows: one per row (granularity `row`, the row's id,
 * the selected fields in `changedFields`, no values), or above the cap one statement-level
 * record with the row count and the sanitized where clause. Rows without their key selected
 * get a statement-level record of their own (`no_primary_key`).
 */
export function buildAccessEvents(
  rows: AccessedRows,
  origin: CaptureOrigin,
  source: AccessSource,
  cap: number,
): PendingAuditEvent[] {
  const info = modelInfo(rows.model);
  const fields = [...rows.fields].sort();
  const ids = uniqueIds(rows.keys, info.primaryKeys);
  const events: PendingAuditEvent[] = [];
  if (ids.length > cap) {
    events.push(accessEvent(info, origin, fields, summary(ids.length, source, 'row_cap')));
  } else {
    for (const id of ids) {
      const pending = accessEvent(info, origin, fields);
      Object.assign(pending.event, { granularity: 'row', recordId: id });
      events.push(pending);
    }
  }
  if (rows.keyless > 0) {
    events.push(accessEvent(info, origin, fields, summary(rows.keyless, source, 'no_primary_key')));
  }
  return events;
}

function uniqueIds(keys: readonly unknown[][], primaryKeys: readonly string[]): string[] {
  const ids = new Set<string>();
  for (const key of keys) {
    const row: Record<string, unknown> = {};
    primaryKeys.forEach((attribute, index) => (row[attribute] = key[index]));
    const id = recordIdOfKey(row, primaryKeys);
    if (id !== null) ids.add(boundedText(id, KEY_COLUMN_CHARS));
  }
  return [...ids];
}

/** What a statement-level access record says instead of row ids. */
interface AccessSummary {
  readonly statement: string;
  readonly affectedRows: number;
  readonly captureFallback: string;
}

function summary(rows: number, source: AccessSource, reason: string): AccessSummary {
  return { statement: statementOf(source), affectedRows: rows, captureFallback: reason };
}

function accessEvent(
  info: ModelInfo,
  origin: CaptureOrigin,
  fields: string[],
  statementLevel?: AccessSummary,
): PendingAuditEvent {
  const pending = buildStatementEvent(
    {
      operation: 'access',
      table: info.table,
      dbSystem: info.dbSystem,
      namespace: info.namespace,
      model: info.name,
      ...statementLevel,
    },
    origin,
  );
  pending.event.changedFields = fields;
  return pending;
}

/** `Patient.findAll WHERE "ward" = ?`: the call and its sanitized where clause. */
function statementOf(source: AccessSource): string {
  const where = describeWhere(modelInfo(source.model), source.where);
  return `${source.model.name}.${source.method} ${where}`;
}
