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

/**
 * One multi-row INSERT of `records` into `table`, every column written as a literal (one
 * statement, no bind-parameter limit), idempotent by event id as `onDuplicate` says.
 */
export function insertStatement(
  runner: SqlRunner,
  table: string,
  records: ReadonlyArray<AuditEvent & Partial<AuditRecord>>,
  onDuplicate: OnDuplicate,
): string {
  const { q, family } = runner;
  const columns = AUDIT_COLUMNS.map((c) => q(c.name)).join(', ');
  const fallback = runner.escape as (text: string) => string;
  const escape = (text: string) => stringLiteral(family, text, fallback);
  let values = '';
  for (const record of records) {
    let row = '';
    for (const column of AUDIT_COLUMNS) {
      row += `${row ? ', ' : ''}${cellLiteral(family, column, column.write(record), escape)}`;
    }
    values += `${values ? ', ' : ''}(${row})`;
  }
  const clause =
    onDuplicate === 'seal' ? sealOnConflictClause(family, table) : skipDuplicateEventClause(family);
  return `INSERT INTO ${q(table)} (${columns}) VALUES ${values} ${clause}`;
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
