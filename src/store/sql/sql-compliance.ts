import type {
  ComplianceStore,
  LegalHold,
  StoredSubjectKey,
  SubjectKeyQuery,
} from '../keys/subject-keys';
import { columnType } from './sql-dialect';
import type { AuditRow } from './sql-rows';
import type { SqlRunner } from './sql-schema';
import { existingTables } from './sql-schema';

/** Names of the compliance tables of one SQL store. */
export interface ComplianceTables {
  keys: string;
  holds: string;
}

/** What the compliance tables need from their store. */
export interface ComplianceHost {
  runner(): Promise<SqlRunner>;
  /** False for a store opened read-only: tables are never created, missing ones read as empty. */
  writable: boolean;
}

/**
 * The subject-key table (`<table>_subject_keys`) and the legal-hold table (`<table>_holds`) of
 * a `SqlAuditStore`, created on first write. Erasing a key overwrites its wrapped key with
 * NULL (the row stays as a tombstone, so readers can tell "erased" from "unknown").
 */
export class SqlComplianceTables implements ComplianceStore {
  private ready?: Promise<boolean>;

  constructor(
    private readonly host: ComplianceHost,
    private readonly tables: ComplianceTables,
  ) {}

  async subjectKeys(query: SubjectKeyQuery): Promise<StoredSubjectKey[]> {
    const runner = await this.host.runner();
    if (!(await this.exists(runner))) return [];
    const { q } = runner;
    const conditions: string[] = [];
    const list = (values: readonly string[]) => values.map((v) => runner.escape(v)).join(', ');
    if (query.subjectIds?.length)
      conditions.push(`${q('subject_id')} IN (${list(query.subjectIds)})`);
    if (query.keyIds?.length) conditions.push(`${q('key_id')} IN (${list(query.keyIds)})`);
    if (conditions.length === 0) return [];
    const rows = await runner.select(
      `SELECT * FROM ${q(this.tables.keys)} WHERE ${conditions.join(' OR ')}`,
    );
    return rows.map(rowToKey);
  }

  async addSubjectKeys(keys: readonly StoredSubjectKey[]): Promise<void> {
    if (keys.length === 0) return;
    const runner = await this.writableRunner();
    const { q, escape } = runner;
    const text = (value: string | null | undefined) => (value == null ? 'NULL' : escape(value));
    const values = keys.map(
      (k) =>
        `(${escape(k.keyId)}, ${escape(k.subjectId)}, ${escape(k.masterKeyId)}, ${text(k.wrappedKey)}, ${escape(k.createdAt)}, ${text(k.erasedAt)})`,
    );
    const columns = [
      'key_id',
      'subject_id',
      'master_key_id',
      'wrapped_key',
      'created_at',
      'erased_at',
    ];
    const insert =
      runner.family === 'mysql'
        ? 'INSERT IGNORE INTO'
        : runner.family === 'sqlite'
          ? 'INSERT OR IGNORE INTO'
          : 'INSERT INTO';
    const suffix = runner.family === 'postgres' ? ' ON CONFLICT DO NOTHING' : '';
    await runner.run(
      `${insert} ${q(this.tables.keys)} (${columns.map(q).join(', ')}) VALUES ${values.join(', ')}${suffix}`,
    );
  }

  async destroySubjectKeys(subjectId: string, erasedAt: string): Promise<string[]> {
    const runner = await this.writableRunner();
    const { q, escape } = runner;
    const live = `${q('subject_id')} = ${escape(subjectId)} AND ${q('wrapped_key')} IS NOT NULL`;
    const rows = await runner.select(
      `SELECT ${q('key_id')} FROM ${q(this.tables.keys)} WHERE ${live}`,
    );
    if (rows.length === 0) return [];
    await runner.run(
      `UPDATE ${q(this.tables.keys)} SET ${q('wrapped_key')} = NULL, ${q('erased_at')} = ${escape(erasedAt)} WHERE ${live}`,
    );
    return rows.map((row) => String(row.key_id));
  }

  async holds(): Promise<LegalHold[]> {
    const runner = await this.host.runner();
    if (!(await this.exists(runner))) return [];
    const rows = await runner.select(`SELECT * FROM ${runner.q(this.tables.holds)}`);
    return rows.map(rowToHold);
  }

  async addHold(hold: LegalHold): Promise<void> {
    const runner = await this.writableRunner();
    const { q, escape } = runner;
    const text = (value: string | undefined) => (value === undefined ? 'NULL' : escape(value));
    await runner.run(
      `INSERT INTO ${q(this.tables.holds)} (${['table_name', 'record_id', 'until_at', 'created_at', 'reason', 'actor_id'].map(q).join(', ')}) ` +
        `VALUES (${escape(hold.table)}, ${escape(hold.recordId)}, ${escape(hold.until)}, ${escape(hold.createdAt)}, ${text(hold.reason)}, ${text(hold.actor)})`,
    );
  }

  private async writableRunner(): Promise<SqlRunner> {
    if (!this.host.writable)
      throw new Error(
        `audit store tables "${this.tables.keys}"/"${this.tables.holds}": the store is open read-only`,
      );
    const runner = await this.host.runner();
    await this.exists(runner);
    return runner;
  }

  /** Creates the tables (writable store), or tells whether they exist (read-only store). */
  private exists(runner: SqlRunner): Promise<boolean> {
    this.ready ??= (async () => {
      if (!this.host.writable) {
        const tables = await existingTables(runner);
        const has = (name: string) => tables.some((t) => t.toLowerCase() === name.toLowerCase());
        return has(this.tables.keys) && has(this.tables.holds);
      }
      await runner.run(createKeysSql(runner, this.tables.keys));
      await runner.run(createHoldsSql(runner, this.tables.holds));
      return true;
    })().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }
}

function createKeysSql(runner: SqlRunner, table: string): string {
  const { q, family } = runner;
  const t = (kind: Parameters<typeof columnType>[1]) => columnType(family, kind);
  return (
    `CREATE TABLE IF NOT EXISTS ${q(table)} (${q('key_id')} ${t('key')} NOT NULL, ${q('subject_id')} ${t('key')} NOT NULL, ` +
    `${q('master_key_id')} ${t('shortText')} NOT NULL, ${q('wrapped_key')} ${t('text')}, ` +
    `${q('created_at')} ${t('shortText')} NOT NULL, ${q('erased_at')} ${t('shortText')}, PRIMARY KEY (${q('key_id')}))` +
    (family === 'mysql' ? ' DEFAULT CHARSET=utf8mb4' : '')
  );
}

function createHoldsSql(runner: SqlRunner, table: string): string {
  const { q, family } = runner;
  const t = (kind: Parameters<typeof columnType>[1]) => columnType(family, kind);
  return (
    `CREATE TABLE IF NOT EXISTS ${q(table)} (${q('table_name')} ${t('key')} NOT NULL, ${q('record_id')} ${t('key')} NOT NULL, ` +
    `${q('until_at')} ${t('shortText')} NOT NULL, ${q('created_at')} ${t('shortText')} NOT NULL, ${q('reason')} ${t('text')}, ` +
    `${q('actor_id')} ${t('key')}, PRIMARY KEY (${q('table_name')}, ${q('record_id')}, ${q('created_at')}))` +
    (family === 'mysql' ? ' DEFAULT CHARSET=utf8mb4' : '')
  );
}

const optional = (value: unknown): string | undefined =>
  value === null || value === undefined ? undefined : String(value);

function rowToKey(row: AuditRow): StoredSubjectKey {
  const key: StoredSubjectKey = {
    keyId: String(row.key_id),
    subjectId: String(row.subject_id),
    masterKeyId: String(row.master_key_id),
    wrappedKey: optional(row.wrapped_key) ?? null,
    createdAt: String(row.created_at),
  };
  const erasedAt = optional(row.erased_at);
  if (erasedAt !== undefined) key.erasedAt = erasedAt;
  return key;
}

function rowToHold(row: AuditRow): LegalHold {
  const hold: LegalHold = {
    table: String(row.table_name),
    recordId: String(row.record_id),
    until: String(row.until_at),
    createdAt: String(row.created_at),
  };
  const reason = optional(row.reason);
  if (reason !== undefined) hold.reason = reason;
  const actor = optional(row.actor_id);
  if (actor !== undefined) hold.actor = actor;
  return hold;
}
