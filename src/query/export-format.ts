import type { AuditRecord } from '../types';

/** Formats `exportRecords` writes. */
export type ExportFormat = 'jsonl' | 'csv';

/** CSV columns, in order; nested values (actor, before, after, changed fields) as JSON. */
export const CSV_COLUMNS = [
  'eventId',
  'stream',
  'seq',
  'prevHash',
  'hash',
  'occurredAt',
  'operation',
  'granularity',
  'dbSystem',
  'namespace',
  'table',
  'model',
  'recordId',
  'changedFields',
  'before',
  'after',
  'actorId',
  'actorType',
  'tenantId',
  'reason',
  'requestId',
  'traceId',
  'spanId',
  'transactionId',
  'outcome',
  'statement',
  'affectedRows',
  'metadata',
] as const;

type CsvColumn = (typeof CSV_COLUMNS)[number];

/** The header line of a CSV export. */
export function csvHeader(): string {
  return CSV_COLUMNS.join(',');
}

/**
 * One record as a line of JSON Lines or CSV (RFC 4180 quoting), without the newline. A CSV text
 * value starting with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with `'` so that
 * a spreadsheet shows it instead of running it as a formula.
 */
export function formatRecord(record: AuditRecord, format: ExportFormat): string {
  if (format === 'jsonl') return JSON.stringify(record);
  return CSV_COLUMNS.map((column) => csvField(columnValue(record, column))).join(',');
}

function columnValue(record: AuditRecord, column: CsvColumn): unknown {
  if (column === 'actorId') return record.actor?.id;
  if (column === 'actorType') return record.actor?.type;
  return record[column];
}

/** A leading character that makes a spreadsheet run the cell as a formula (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

function csvField(value: unknown): string {
  if (value === undefined || value === null) return '';
  const raw = typeof value === 'object' ? JSON.stringify(value) : String(value);
  // A text cell that a spreadsheet would evaluate gets a leading apostrophe, which spreadsheets
  // show as text; numbers are written as they are.
  const text = typeof value === 'string' && FORMULA_START.test(raw) ? `'${raw}` : raw;
  return /[",\r\n\t]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
