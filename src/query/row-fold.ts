import type { AuditOperation, AuditRecord } from '../types';
import { sameValue } from './record-key';
import type { FieldChange, RowStatus, RowValues } from './trail-types';

/** A row as known after folding some of its records, oldest first. */
export interface FoldedRow {
  status: RowStatus;
  /** The last image of the row, kept through soft and hard deletes; null before any record. */
  values: RowValues | null;
}

export const UNSEEN_ROW: FoldedRow = { status: 'absent', values: null };

/**
 * The row after one more record. A record's `before` is the row as the database had it right
 * then, so it wins over what earlier records left (it also covers a history that starts
 * mid-life, after a prune or before auditing was switched on); `after` holds the values
 * written, a whole row or only the changed fields.
 */
export function applyRecord(row: FoldedRow, record: AuditRecord): FoldedRow {
  const status = statusAfter(row.status, record.operation);
  if (record.operation === 'insert') return { status, values: { ...(record.after ?? {}) } };
  if (record.operation === 'delete') {
    return { status, values: { ...(row.values ?? {}), ...(record.before ?? {}) } };
  }
  return { status, values: merged(row, record) };
}

/** Where a row stands after an operation. */
export function statusAfter(status: RowStatus, operation: AuditOperation): RowStatus {
  switch (operation) {
    case 'insert':
    case 'restore':
      return 'present';
    case 'delete':
      return 'deleted';
    case 'soft_delete':
      return 'soft_deleted';
    case 'update':
      // Writing to a soft-deleted row (paranoid: false) leaves it soft-deleted.
      return status === 'soft_deleted' ? 'soft_deleted' : 'present';
    case 'unknown':
    case 'erasure':
    case 'access':
    case 'schema':
      return status;
  }
}

function merged(row: FoldedRow, record: AuditRecord): RowValues {
  return { ...(row.values ?? {}), ...(record.before ?? {}), ...(record.after ?? {}) };
}

export function foldRecords(
  records: Iterable<AuditRecord>,
  start: FoldedRow = UNSEEN_ROW,
): FoldedRow {
  let row = start;
  for (const record of records) row = applyRecord(row, record);
  return row;
}

/** What one record changed, field by field. */
export function changesOf(record: AuditRecord): FieldChange[] {
  const before = record.before ?? {};
  const after = record.after ?? {};
  if (record.operation === 'delete') {
    return Object.keys(before).map((field) => ({ field, from: before[field], to: undefined }));
  }
  const fields =
    record.changedFields.length > 0 ? record.changedFields : differingFields(before, after);
  return fields.map((field) => ({ field, from: before[field], to: after[field] }));
}

/** Field-by-field difference between two row images, sorted by field name. */
export function diffValues(from: RowValues | null, to: RowValues | null): FieldChange[] {
  const a = from ?? {};
  const b = to ?? {};
  return differingFields(a, b).map((field) => ({ field, from: a[field], to: b[field] }));
}

function differingFields(a: RowValues, b: RowValues): string[] {
  const fields = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...fields].filter((field) => !sameValue(a[field], b[field])).sort();
}
