import type { SqlFamily } from './sql-dialect';
import { columnType } from './sql-dialect';
import type { AuditRow } from './sql-rows';
import { AUDIT_COLUMNS } from './sql-rows';

/** How the schema code talks to the database. */
export interface SqlRunner {
  readonly family: SqlFamily;
  q(identifier: string): string;
  escape(value: string | number): string;
  run(sql: string): Promise<void>;
  select(sql: string): Promise<AuditRow[]>;
}

/** Table names of one SQL store. */
export interface AuditTables {
  records: string;
  checkpoints: string;
}

/** Indexes of the record table: name suffix and columns. */
const RECORD_INDEXES: ReadonlyArray<{ suffix: string; columns: string[]; unique?: boolean }> = [
  { suffix: 'stream_seq', columns: ['stream', 'seq'], unique: true },
  { suffix: 'row_time', columns: ['table_name', 'record_id', 'occurred_at'] },
  { suffix: 'actor_time', columns: ['actor_id', 'occurred_at'] },
  { suffix: 'trace', columns: ['trace_id'] },
  { suffix: 'time', columns: ['occurred_at', 'stream', 'seq'] },
  { suffix: 'subject', columns: ['subject_id'] },
];

/**
 * Creates the record and checkpoint tables and their indexes when missing, and adds columns a
 * newer version of the store expects (nullable ones only, so old rows stay valid). Safe to
 * run from several processes at once: what another process created in between is accepted.
 */
export async function ensureAuditSchema(runner: SqlRunner, tables: AuditTables): Promise<void> {
  await tolerateConcurrentCreate(() => runner.run(createRecordTableSql(runner, tables.records)));
  await tolerateConcurrentCreate(() =>
    runner.run(createCheckpointTableSql(runner, tables.checkpoints)),
  );
  await addMissingColumns(runner, tables.records);
  await addMissingCheckpointColumns(runner, tables.checkpoints);
  await addMissingIndexes(runner, tables.records);
}

/** Nullable columns of the checkpoint table added after its first version. */
const CHECKPOINT_EXTRA_COLUMNS = ['note', 'tree_range'];

async function addMissingCheckpointColumns(runner: SqlRunner, table: string): Promise<void> {
  const present = await existingColumns(runner, table);
  for (const column of CHECKPOINT_EXTRA_COLUMNS) {
    if (present.has(column)) continue;
    await tolerateConcurrentCreate(() =>
      runner.run(
        `ALTER TABLE ${runner.q(table)} ADD COLUMN ${runner.q(column)} ${columnType(runner.family, 'text')}`,
      ),
    );
  }
}

function tableOptions(family: SqlFamily): string {
  return family === 'mysql' ? ' DEFAULT CHARSET=utf8mb4' : '';
}

function createRecordTableSql(runner: SqlRunner, table: string): string {
  const columns = AUDIT_COLUMNS.map(
    (c) =>
      `${runner.q(c.name)} ${columnType(runner.family, c.kind)}${c.nullable ? '' : ' NOT NULL'}`,
  );
  return `CREATE TABLE IF NOT EXISTS ${runner.q(table)} (${columns.join(', ')}, PRIMARY KEY (${runner.q('event_id')}))${tableOptions(runner.family)}`;
}

function createCheckpointTableSql(runner: SqlRunner, table: string): string {
  const { q, family } = runner;
  return (
    `CREATE TABLE IF NOT EXISTS ${q(table)} (` +
    `${q('stream')} ${columnType(family, 'key')} NOT NULL, ` +
    `${q('seq')} ${columnType(family, 'bigint')} NOT NULL, ` +
    `${q('kind')} ${columnType(family, 'shortText')} NOT NULL, ` +
    `${q('hash')} ${columnType(family, 'hash')} NOT NULL, ` +
    `${q('created_at')} ${columnType(family, 'shortText')} NOT NULL, ` +
    `${q('note')} ${columnType(family, 'text')}, ` +
    `${q('tree_range')} ${columnType(family, 'text')}, ` +
    `PRIMARY KEY (${q('stream')}, ${q('seq')}, ${q('kind')}))${tableOptions(family)}`
  );
}

async function existingColumns(runner: SqlRunner, table: string): Promise<Set<string>> {
  const sql =
    runner.family === 'sqlite'
      ? `PRAGMA table_info(${runner.q(table)})`
      : runner.family === 'postgres'
        ? `SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ${runner.escape(table)}`
        : `SELECT column_name AS name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ${runner.escape(table)}`;
  const rows = await runner.select(sql);
  return new Set(rows.map((row) => String(row.name ?? row.NAME ?? row.COLUMN_NAME)));
}

async function addMissingColumns(runner: SqlRunner, table: string): Promise<void> {
  const present = await existingColumns(runner, table);
  for (const column of AUDIT_COLUMNS) {
    if (present.has(column.name)) continue;
    if (!column.nullable) {
      throw new Error(
        `AuditStore "${table}": table is missing column "${column.name}" and it cannot be added to existing rows; migrate the table by hand or use a new table name`,
      );
    }
    await tolerateConcurrentCreate(() =>
      runner.run(
        `ALTER TABLE ${runner.q(table)} ADD COLUMN ${runner.q(column.name)} ${columnType(runner.family, column.kind)}`,
      ),
    );
  }
}

async function existingIndexes(runner: SqlRunner, table: string): Promise<Set<string>> {
  const sql =
    runner.family === 'sqlite'
      ? `PRAGMA index_list(${runner.q(table)})`
      : runner.family === 'postgres'
        ? `SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ${runner.escape(table)}`
        : `SELECT DISTINCT index_name AS name FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ${runner.escape(table)}`;
  const rows = await runner.select(sql);
  return new Set(rows.map((row) => String(row.name ?? row.NAME ?? row.INDEX_NAME)));
}

async function addMissingIndexes(runner: SqlRunner, table: string): Promise<void> {
  const present = await existingIndexes(runner, table);
  for (const index of RECORD_INDEXES) {
    const name = `${table}_${index.suffix}`;
    if (present.has(name)) continue;
    const columns = index.columns.map((c) => runner.q(c)).join(', ');
    await tolerateConcurrentCreate(() =>
      runner.run(
        `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${runner.q(name)} ON ${runner.q(table)} (${columns})`,
      ),
    );
  }
}

/** Another process may create the same object first; "already exists" is success. */
async function tolerateConcurrentCreate(create: () => Promise<void>): Promise<void> {
  try {
    await create();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (!/already exists|duplicate/i.test(message)) throw error;
  }
}

/** The tables of the database (the current schema on PostgreSQL), sorted. Reads only. */
export async function existingTables(runner: SqlRunner): Promise<string[]> {
  const sql =
    runner.family === 'sqlite'
      ? `SELECT name AS name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
      : runner.family === 'postgres'
        ? `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()`
        : `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()`;
  const rows = await runner.select(sql);
  return rows.map((row) => String(row.name ?? row.NAME ?? row.TABLE_NAME)).sort();
}
