/*
 * What differs between the SQL dialects the audit store supports: column types, timestamp
 * literals, the idempotent insert ("insert, or seal the unsealed row with that event id") and
 * identifier quoting. Everything else in the SQL store is written once.
 */

/** Dialect families with the same SQL for our purposes. */
export type SqlFamily = 'postgres' | 'mysql' | 'sqlite';

/** The abstract column kinds of the audit tables. */
export type ColumnKind = 'key' | 'shortText' | 'text' | 'json' | 'bigint' | 'timestamp' | 'hash';

export function sqlFamilyOf(dialect: string): SqlFamily {
  if (dialect === 'postgres') return 'postgres';
  if (dialect === 'mysql' || dialect === 'mariadb') return 'mysql';
  if (dialect === 'sqlite') return 'sqlite';
  throw new Error(
    `SqlAuditStore: dialect "${dialect}" is not supported; use sqlite, postgres, mariadb or mysql, or a JsonlAuditStore`,
  );
}

const COLUMN_TYPES: Record<SqlFamily, Record<ColumnKind, string>> = {
  postgres: {
    key: 'VARCHAR(255)',
    shortText: 'VARCHAR(64)',
    text: 'TEXT',
    json: 'JSONB',
    bigint: 'BIGINT',
    timestamp: 'TIMESTAMPTZ(3)',
    hash: 'CHAR(64)',
  },
  mysql: {
    key: 'VARCHAR(255)',
    shortText: 'VARCHAR(64)',
    text: 'TEXT',
    json: 'JSON',
    bigint: 'BIGINT',
    timestamp: 'DATETIME(3)',
    hash: 'CHAR(64)',
  },
  sqlite: {
    key: 'VARCHAR(255)',
    shortText: 'VARCHAR(64)',
    text: 'TEXT',
    json: 'TEXT',
    bigint: 'INTEGER',
    timestamp: 'TEXT',
    hash: 'CHAR(64)',
  },
};

export function columnType(family: SqlFamily, kind: ColumnKind): string {
  return COLUMN_TYPES[family][kind];
}

export function quoteIdentifier(family: SqlFamily, name: string): string {
  return family === 'mysql' ? `\`${name.replace(/`/g, '``')}\`` : `"${name.replace(/"/g, '""')}"`;
}

/** SQL literal of an ISO 8601 instant for a `timestamp` column. `quoted` is the escaped ISO text. */
export function timestampLiteral(family: SqlFamily, iso: string, escape: (s: string) => string) {
  if (family === 'postgres') return `${escape(iso)}::timestamptz`;
  if (family === 'mysql') return escape(iso.replace('T', ' ').replace('Z', ''));
  return escape(iso);
}

/** SQL literal of a JSON text for a `json` column. */
export function jsonLiteral(family: SqlFamily, json: string, escape: (s: string) => string) {
  return family === 'postgres' ? `${escape(json)}::jsonb` : escape(json);
}

/** Reads a `timestamp` column value back as ISO 8601 (UTC, milliseconds). */
export function readTimestamp(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  const text = String(value).replace(' ', 'T');
  // Sequelize 7 hands timestamps back as text with an hour-only offset (`...222+00`).
  if (/[+-]\d\d$/.test(text)) return new Date(`${text}:00`).toISOString();
  const iso = /[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`;
  return new Date(iso).toISOString();
}

/**
 * The clause after a multi-row INSERT that makes it idempotent by event id: a row already
 * sealed is left as it is; a row inserted unsealed inside an application transaction gets
 * its seq, prev_hash and hash.
 */
export function sealOnConflictClause(family: SqlFamily, table: string): string {
  const q = (name: string) => quoteIdentifier(family, name);
  if (family === 'mysql') {
    // `hash` is assigned last: MySQL evaluates the assignments left to right.
    const keep = (name: string) =>
      `${q(name)} = IF(${q('hash')} IS NULL, VALUES(${q(name)}), ${q(name)})`;
    return `ON DUPLICATE KEY UPDATE ${keep('seq')}, ${keep('prev_hash')}, ${keep('hash')}`;
  }
  const set = ['seq', 'prev_hash', 'hash'].map((name) => `${q(name)} = excluded.${q(name)}`);
  return `ON CONFLICT (${q('event_id')}) DO UPDATE SET ${set.join(', ')} WHERE ${q(table)}.${q('hash')} IS NULL`;
}

/**
 * The clause after a multi-row INSERT that skips a row whose event id is already stored
 * (a replay). A clash on (stream, seq) with another event id still fails, as it should.
 */
export function skipDuplicateEventClause(family: SqlFamily): string {
  const q = (name: string) => quoteIdentifier(family, name);
  if (family === 'mysql') return `ON DUPLICATE KEY UPDATE ${q('event_id')} = ${q('event_id')}`;
  return `ON CONFLICT (${q('event_id')}) DO NOTHING`;
}

/**
 * A string literal without the general-purpose escaper where the rule is simple: SQLite and
 * PostgreSQL (standard_conforming_strings, the default since 9.1) only double the quote.
 * Anything else (MySQL's backslash rules, NUL characters) goes to `fallback`.
 */
export function stringLiteral(
  family: SqlFamily,
  value: string,
  fallback: (s: string) => string,
): string {
  if (family === 'mysql' || value.includes('\0')) return fallback(value);
  return `'${value.replace(/'/g, "''")}'`;
}

/** Prefix of an INSERT that skips rows whose key already exists. */
export function insertIgnorePrefix(family: SqlFamily): string {
  if (family === 'mysql') return 'INSERT IGNORE INTO';
  if (family === 'sqlite') return 'INSERT OR IGNORE INTO';
  return 'INSERT INTO';
}

export function insertIgnoreSuffix(family: SqlFamily): string {
  return family === 'postgres' ? 'ON CONFLICT DO NOTHING' : '';
}
