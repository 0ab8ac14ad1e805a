import type { AuditEvent, AuditRecord } from '../../types';
import type { SqlFamily } from './sql-dialect';
import {
  jsonLiteral,
  sealOnConflictClause,
  skipDuplicateEventClause,
  stringLiteral,
  timestampLiteral,
} from './sql-dialect';
import type { AuditColumn, CellValue } from './sql-rows';
import { AUDIT_COLUMNS } from './sql-rows';
import type { SqlRunner } from './sql-schema';

/** On an event id already stored: `skip` the row, or `seal` it if it is still unsealed. */
export type OnDuplicate = 'skip' | 'seal';

/** How big one INSERT may grow. */
export interface InsertLimits {
  /** Rows per statement at most. */
  maxRows: number;
  /**
   * Bytes of SQL text per statement at most (MariaDB/MySQL refuse a statement larger than
   * `max_allowed_packet`); a single row larger than this goes alone.
   */
  maxBytes: number;
}

/** 4 MiB: below MariaDB's default `max_allowed_packet` (16 MiB) and MySQL 5.7's (4 MiB). */
export const DEFAULT_INSERT_MAX_BYTES = 4 * 1024 * 1024;

/**
 * Multi-row INSERTs of `records` into `table`, every column written as a literal (no
 * bind-parameter limit), each at most `limits.maxRows` rows and `limits.maxBytes` bytes,
 * idempotent by event id as `onDuplicate` says. In record order.
 */
export function insertStatements(
  runner: SqlRunner,
  table: string,
  records: ReadonlyArray<AuditEvent & Partial<AuditRecord>>,
  onDuplicate: OnDuplicate,
  limits: InsertLimits,
): string[] {
  const { q, family } = runner;
  const columns = AUDIT_COLUMNS.map((c) => q(c.name)).join(', ');
  const fallback = runner.escape as (text: string) => string;
  const escape = (text: string) => stringLiteral(family, text, fallback);
  const clause =
    onDuplicate === 'seal' ? sealOnConflictClause(family, table) : skipDuplicateEventClause(family);
  const head = `INSERT INTO ${q(table)} (${columns}) VALUES `;
  const fixedBytes = Buffer.byteLength(head) + Buffer.byteLength(clause) + 1;
  const statements: string[] = [];
  let values = '';
  let rows = 0;
  let bytes = fixedBytes;
  for (const record of records) {
    let row = '';
    for (const column of AUDIT_COLUMNS) {
      row += `${row ? ', ' : ''}${cellLiteral(family, column, column.write(record), escape)}`;
    }
    const rowBytes = Buffer.byteLength(row) + 4; // "(...)" and ", "
    if (rows > 0 && (rows >= limits.maxRows || bytes + rowBytes > limits.maxBytes)) {
      statements.push(`${head}${values} ${clause}`);
      values = '';
      rows = 0;
      bytes = fixedBytes;
    }
    values += `${values ? ', ' : ''}(${row})`;
    rows += 1;
    bytes += rowBytes;
  }
  if (rows > 0) statements.push(`${head}${values} ${clause}`);
  return statements;
}

/** One multi-row INSERT of all `records` (see `insertStatements`). */
export function insertStatement(
  runner: SqlRunner,
  table: string,
  records: ReadonlyArray<AuditEvent & Partial<AuditRecord>>,
  onDuplicate: OnDuplicate,
): string {
  const limits = { maxRows: Number.POSITIVE_INFINITY, maxBytes: Number.POSITIVE_INFINITY };
  return insertStatements(runner, table, records, onDuplicate, limits)[0] ?? '';
}

function cellLiteral(
  family: SqlFamily,
  column: AuditColumn,
  value: CellValue,
  escape: (text: string) => string,
): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') return String(value);
  if (column.kind === 'timestamp') return timestampLiteral(family, value, escape);
  if (column.kind === 'json') return jsonLiteral(family, value, escape);
  return escape(value);
}
