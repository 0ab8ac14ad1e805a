import type { QueryCall } from '../sequelize/query-call';

/** Rows a statement returned or affected, as far as its Sequelize result tells. */
export interface QueryResultCounts {
  rowCount?: number;
  affectedRows?: number;
}

const WRITE_TYPES = new Set(['UPDATE', 'BULKUPDATE', 'BULKDELETE', 'DELETE']);

/**
 * Reads the counts out of what `sequelize.query()` resolved with; its shape depends on the
 * query type: rows for SELECT, one row or null with `plain`, `[rows, metadata]` for RAW, an
 * affected-row count (or `[rows, count]`) for bulk writes.
 */
export function queryResultCounts(call: QueryCall, result: unknown): QueryResultCounts {
  const type = call.options.type;
  if (type === 'SELECT') {
    if (call.options.plain) return { rowCount: result === null || result === undefined ? 0 : 1 };
    return Array.isArray(result) ? { rowCount: result.length } : {};
  }
  if (type !== undefined && WRITE_TYPES.has(type)) {
    if (typeof result === 'number') return { affectedRows: result };
    if (Array.isArray(result) && typeof result[1] === 'number') return { affectedRows: result[1] };
    return {};
  }
  if ((type === undefined || type === 'RAW') && Array.isArray(result) && Array.isArray(result[0])) {
    return { rowCount: result[0].length };
  }
  return {};
}
