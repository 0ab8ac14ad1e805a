import type { AuditCursor, AuditRecordFilter } from '../audit-store';
import type { SqlFamily } from './sql-dialect';
import { timestampLiteral } from './sql-dialect';

/** What the WHERE builder needs: quoting and escaping for one dialect. */
export interface SqlQuoting {
  readonly family: SqlFamily;
  q(identifier: string): string;
  escape(value: string | number): string;
}

/** The WHERE conditions (joined with AND) of a filter; sealed records only. */
export function filterConditions(sql: SqlQuoting, filter: AuditRecordFilter): string[] {
  const { q, escape } = sql;
  const conditions = [`${q('seq')} IS NOT NULL`];
  const equal = (column: string, value: string | undefined) => {
    if (value !== undefined) conditions.push(`${q(column)} = ${escape(value)}`);
  };
  equal('table_name', filter.table);
  equal('record_id', filter.recordId);
  equal('actor_id', filter.actorId);
  equal('operation', filter.operation);
  equal('stream', filter.stream);
  equal('trace_id', filter.traceId);
  equal('event_id', filter.eventId);
  equal('subject_id', filter.subjectId);
  if (filter.since) conditions.push(`${q('occurred_at')} >= ${time(sql, filter.since)}`);
  if (filter.until) conditions.push(`${q('occurred_at')} < ${time(sql, filter.until)}`);
  for (const [key, value] of Object.entries(filter.metadata ?? {})) {
    conditions.push(`${metadataText(sql, key)} = ${escape(String(value))}`);
  }
  return conditions;
}

/**
 * The text form of one metadata key (`'true'`, `'3'`, `'OPS-12'`; NULL when absent), the same
 * on every dialect: PostgreSQL `->>`, MySQL/MariaDB `JSON_UNQUOTE(JSON_EXTRACT())`, SQLite
 * `json_extract` (which gives booleans as 1/0, hence the `json_type` case).
 */
function metadataText(sql: SqlQuoting, key: string): string {
  const { q, escape } = sql;
  const column = q('metadata');
  if (sql.family === 'postgres') return `(${column}->>${escape(key)})`;
  const path = escape(`$."${key.replace(/["\\]/g, '')}"`);
  if (sql.family === 'mysql') return `JSON_UNQUOTE(JSON_EXTRACT(${column}, ${path}))`;
  return (
    `(CASE json_type(${column}, ${path}) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ` +
    `ELSE CAST(json_extract(${column}, ${path}) AS TEXT) END)`
  );
}

/** Keyset condition: strictly after `cursor` in (occurred_at, stream, seq) order. */
export function cursorCondition(sql: SqlQuoting, cursor: AuditCursor, order: 'asc' | 'desc') {
  const { q, escape } = sql;
  const op = order === 'desc' ? '<' : '>';
  const at = time(sql, new Date(cursor.occurredAt));
  const stream = escape(cursor.stream);
  return (
    `(${q('occurred_at')} ${op} ${at} OR (${q('occurred_at')} = ${at} AND ` +
    `(${q('stream')} ${op} ${stream} OR (${q('stream')} = ${stream} AND ${q('seq')} ${op} ${escape(cursor.seq)}))))`
  );
}

export function time(sql: SqlQuoting, date: Date): string {
  return timestampLiteral(sql.family, date.toISOString(), (s) => sql.escape(s));
}

export function whereClause(conditions: readonly string[]): string {
  return conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
}
