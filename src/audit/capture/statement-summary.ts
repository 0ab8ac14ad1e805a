import { sanitizeSql } from '../../sequelize/sql/sanitize-sql';
import { toCanonical } from '../canonical-value';
import type { ModelInfo } from '../model-info';
import { dialectOf, queryInterfaceOf } from '../../sequelize/sequelize-facts';

/** Longest sanitized statement or where clause kept in a statement-level record. */
const MAX_STATEMENT_LENGTH = 2048;

/** A statement with every literal replaced by `?`, so no value leaks into the record. */
export function sanitizedStatement(sql: string, dialect: string): string {
  const mysqlQuoting = dialect === 'mysql' || dialect === 'mariadb';
  return sanitizeSql(sql, { mysqlQuoting, maxLength: MAX_STATEMENT_LENGTH });
}

/** The where clause of a bulk write as sanitized SQL (`WHERE "status" = ?`). */
export function describeWhere(info: ModelInfo, where: unknown): string {
  const dialect = dialectOf(info.model.sequelize);
  try {
    const queryInterface = queryInterfaceOf(info.model.sequelize);
    const sql = queryInterface.queryGenerator.whereQuery(where ?? {}, { model: info.model });
    return sanitizedStatement(sql || 'WHERE 1=1', dialect);
  } catch {
    return JSON.stringify(toCanonical(where ?? {}, MAX_STATEMENT_LENGTH));
  }
}

/**
 * Rows affected by a bulk model write, from what the model method returned: a number
 * (`destroy`), `[count]` / `[count, rows]` (`update`), or `[[rows, count]]` (`increment`).
 */
export function affectedRowsOfModelCall(method: string, result: unknown): number | undefined {
  if (typeof result === 'number') return result;
  if (!Array.isArray(result)) return undefined;
  if (method === 'increment' || method === 'decrement') {
    // Sequelize 6 gives `[[rows | null, count]]`; older shapes `[rows, count]`.
    const [inner, count] = result;
    if (typeof count === 'number') return count;
    if (Array.isArray(inner) && typeof inner[1] === 'number') return inner[1];
    return undefined;
  }
  return typeof result[0] === 'number' ? result[0] : undefined;
}

/**
 * Rows affected by a raw `sequelize.query()` write, from the driver's metadata:
 * pg `rowCount`, mysql2/mariadb `affectedRows`, sqlite `changes`.
 */
export function affectedRowsOfRawResult(result: unknown): number | undefined {
  if (typeof result === 'number') return result;
  if (!Array.isArray(result)) return countIn(result);
  for (const part of [result[1], result[0]]) {
    const count = typeof part === 'number' ? part : countIn(part);
    if (count !== undefined) return count;
  }
  return undefined;
}

function countIn(value: unknown): number | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const metadata = value as { rowCount?: unknown; affectedRows?: unknown; changes?: unknown };
  for (const count of [metadata.rowCount, metadata.affectedRows, metadata.changes]) {
    if (typeof count === 'number') return count;
  }
  return undefined;
}
