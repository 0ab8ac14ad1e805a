import type { Options, Sequelize } from 'sequelize';
import type { Transaction } from 'sequelize';
import type { SequelizeLike } from '../../sequelize/internal-types';
import { asTransactionLike } from '../../sequelize/public-transaction';
import type { AuditEvent, AuditRecord } from '../../types';
import type {
  AuditCheckpoint,
  AuditFindOptions,
  AuditRecordFilter,
  StreamHead,
  TransactionalAuditStore,
} from '../audit-store';
import { normalizeEvent } from '../chain-hash';
import { AUDIT_STORE_QUERY_OPTION, runAsStore } from '../store-context';
import type { AuditStoreMode } from '../store-mode';
import { AuditStoreNotFoundError, readOnlyError } from '../store-mode';
import type { ComplianceStore, StoreWithCompliance } from '../keys/subject-keys';
import { SqlComplianceTables } from './sql-compliance';
import { openSqlConnection } from './sql-connection';
import {
  insertIgnorePrefix,
  insertIgnoreSuffix,
  quoteIdentifier,
  sqlFamilyOf,
} from './sql-dialect';
import type { InsertLimits, OnDuplicate } from './sql-insert';
import { DEFAULT_INSERT_MAX_BYTES, insertStatements } from './sql-insert';
import type { AuditRow } from './sql-rows';
import { rowToEvent, rowToRecord } from './sql-rows';
import type { AuditTables, SqlRunner } from './sql-schema';
import { ensureAuditSchema, existingTables } from './sql-schema';
import { cursorCondition, filterConditions, time, whereClause } from './sql-where';
import { dialectOf } from '../../sequelize/sequelize-facts';

/**
 * Options of `SqlAuditStore`. Give either `sequelize` (the application's instance, or one of
 * its own) or `url` (the store opens and closes its own connection).
 *
 * @example
 * new SqlAuditStore({ sequelize })                                  // the application's database
 * new SqlAuditStore({ url: 'postgres://audit@db/audit', table: 'audit_log' })
 */
export interface SqlAuditStoreOptions {
  /** A Sequelize instance to write through. The store never closes it. */
  sequelize?: Sequelize;
  /** A connection URL (`sqlite:path`, `postgres://...`, `mariadb://...`, `mysql://...`) for a connection of the store's own. */
  url?: string;
  /** Extra Sequelize options for the connection opened from `url`. @default {} */
  sequelizeOptions?: Options;
  /** Table of the records; checkpoints go to `<table>_checkpoints`. @default 'audit_log' */
  table?: string;
  /** Rows per INSERT statement. @default 1000 */
  insertChunkSize?: number;
  /** Bytes of SQL per INSERT statement, below the server's `max_allowed_packet`. @default 4194304 (4 MiB) */
  insertChunkBytes?: number;
  /**
   * Create and migrate the tables and indexes in `init()`. With `false`, `init()` only checks
   * that the record table exists (`AuditStoreNotFoundError` otherwise). @default true
   */
  migrate?: boolean;
  /**
   * `read`: never creates nor alters a table (nor, on SQLite, a file: the database is opened
   * read-only); `init()` fails with `AuditStoreNotFoundError` naming the tables that do exist,
   * and every write fails. For viewers, reports and the CLI's read commands. @default 'write'
   */
  mode?: AuditStoreMode;
}

/** The parts of a Sequelize instance the store uses. */
interface StoreSequelize extends SequelizeLike {
  escape(value: string | number): string;
  close(): Promise<void>;
}

const DEFAULT_TABLE = 'audit_log';
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,47}$/;

/**
 * Audit store on any Sequelize dialect of the SQL families SQLite, PostgreSQL and
 * MariaDB/MySQL: one row per record (JSON columns where the dialect has them), multi-row
 * idempotent inserts, indexes for history queries, and transactional durability (rows
 * inserted inside the application's transaction, sealed afterwards).
 */
export class SqlAuditStore implements TransactionalAuditStore, StoreWithCompliance {
  readonly name: string;
  private readonly tables: AuditTables;
  private readonly options: SqlAuditStoreOptions;
  private readonly ownsConnection: boolean;
  private sequelize?: StoreSequelize;
  private sqlRunner?: SqlRunner;
  private initialized?: Promise<void>;
  /** False when a store opened without migrating found no checkpoint table (an older trail). */
  private hasCheckpointTable = true;
  private complianceTables?: SqlComplianceTables;

  constructor(options: SqlAuditStoreOptions) {
    if (!options.sequelize && !options.url) {
      throw new Error(
        'SqlAuditStore: give a Sequelize instance (`sequelize`) or a connection `url`',
      );
    }
    const table = options.table ?? DEFAULT_TABLE;
    if (!TABLE_NAME.test(table)) {
      throw new Error(
        `SqlAuditStore: table name "${table}" is not a plain identifier; use letters, digits and _ (at most 48)`,
      );
    }
    this.options = options;
    this.tables = { records: table, checkpoints: `${table}_checkpoints` };
    this.name = `sql:${table}`;
    this.ownsConnection = !options.sequelize;
    if (options.sequelize) this.attach(options.sequelize as unknown as StoreSequelize);
  }

  init(): Promise<void> {
    this.initialized ??= this.initialize().catch((error: unknown) => {
      this.initialized = undefined;
      throw error;
    });
    return this.initialized;
  }

  /**
   * The subject keys (`<table>_subject_keys`) and legal holds (`<table>_holds`) of this store.
   */
  compliance(): ComplianceStore {
    this.complianceTables ??= new SqlComplianceTables(
      {
        runner: async () => {
          await this.init();
          return this.runner();
        },
        writable: this.mode === 'write',
      },
      { keys: `${this.tables.records}_subject_keys`, holds: `${this.tables.records}_holds` },
    );
    return this.complianceTables;
  }

  /** `read` or `write`, as opened. */
  get mode(): AuditStoreMode {
    return this.options.mode ?? 'write';
  }

  async append(records: readonly AuditRecord[]): Promise<void> {
    this.requireWritable('append records');
    await this.insertChunks(records, 'skip');
  }

  async seal(records: readonly AuditRecord[]): Promise<void> {
    this.requireWritable('seal records');
    await this.insertChunks(records, 'seal');
  }

  async knownEventIds(eventIds: readonly string[]): Promise<Set<string>> {
    const known = new Set<string>();
    if (eventIds.length === 0) return known;
    await this.init();
    const { q } = this.runner();
    for (const chunk of chunks(eventIds, 500)) {
      const list = chunk.map((id) => this.escape(id)).join(', ');
      const rows = await this.select(
        `SELECT ${q('event_id')} FROM ${q(this.tables.records)} WHERE ${q('event_id')} IN (${list})`,
      );
      for (const row of rows) known.add(String(row.event_id));
    }
    return known;
  }

  canJoin(transaction: Transaction): boolean {
    return (
      this.sequelize !== undefined && asTransactionLike(transaction).sequelize === this.sequelize
    );
  }

  async insertUnsealed(
    events: readonly AuditEvent[],
    stream: string,
    transaction: Transaction,
  ): Promise<void> {
    this.requireWritable('insert records');
    if (events.length === 0) return;
    await this.init();
    const rows = events.map((event) => ({ ...normalizeEvent(event), stream }));
    // PostgreSQL aborts the whole transaction on a failed statement: a savepoint keeps a
    // failed audit insert from failing the application's COMMIT.
    const inTransaction = { type: 'RAW', transaction: asTransactionLike(transaction) };
    const savepoint = this.runner().family === 'postgres' ? this.runner().q('audit_insert') : '';
    if (savepoint) await this.query(`SAVEPOINT ${savepoint}`, inTransaction);
    try {
      for (const sql of this.insertSql(rows, 'seal')) await this.query(sql, inTransaction);
    } catch (error) {
      if (savepoint) await this.query(`ROLLBACK TO SAVEPOINT ${savepoint}`, inTransaction);
      throw error;
    }
    if (savepoint) await this.query(`RELEASE SAVEPOINT ${savepoint}`, inTransaction);
  }

  async unsealed(stream: string, limit: number): Promise<AuditEvent[]> {
    await this.init();
    const { q } = this.runner();
    const rows = await this.select(
      `SELECT * FROM ${q(this.tables.records)} WHERE ${q('stream')} = ${this.escape(stream)} AND ${q('hash')} IS NULL ` +
        `ORDER BY ${q('occurred_at')}, ${q('event_id')} LIMIT ${safeLimit(limit)}`,
    );
    return rows.map(rowToEvent);
  }

  async streamHead(stream: string): Promise<StreamHead | null> {
    await this.init();
    const heads = await this.heads(`${this.runner().q('stream')} = ${this.escape(stream)}`);
    return heads[0] ?? null;
  }

  streams(): Promise<StreamHead[]> {
    return this.heads();
  }

  async readStream(stream: string, fromSeq: number, limit: number): Promise<AuditRecord[]> {
    await this.init();
    const { q } = this.runner();
    const rows = await this.select(
      `SELECT * FROM ${q(this.tables.records)} WHERE ${q('stream')} = ${this.escape(stream)} ` +
        `AND ${q('seq')} >= ${this.escape(Math.floor(fromSeq))} ORDER BY ${q('seq')} LIMIT ${safeLimit(limit)}`,
    );
    return rows.map(rowToRecord);
  }

  async find(filter: AuditRecordFilter, options: AuditFindOptions = {}): Promise<AuditRecord[]> {
    await this.init();
    const runner = this.runner();
    const { q } = runner;
    const order = options.order === 'desc' ? 'desc' : 'asc';
    const conditions = filterConditions(runner, filter);
    if (options.after) conditions.push(cursorCondition(runner, options.after, order));
    const direction = order === 'desc' ? ' DESC' : '';
    const rows = await this.select(
      `SELECT * FROM ${q(this.tables.records)}${whereClause(conditions)} ` +
        `ORDER BY ${q('occurred_at')}${direction}, ${q('stream')}${direction}, ${q('seq')}${direction} ` +
        `LIMIT ${safeLimit(options.limit ?? 100)}`,
    );
    return rows.map(rowToRecord);
  }

  async count(filter: AuditRecordFilter = {}): Promise<number> {
    await this.init();
    const runner = this.runner();
    const rows = await this.select(
      `SELECT COUNT(*) AS ${runner.q('n')} FROM ${runner.q(this.tables.records)}${whereClause(filterConditions(runner, filter))}`,
    );
    return Number(rows[0]?.n ?? 0);
  }

  async writeCheckpoint(checkpoint: AuditCheckpoint): Promise<void> {
    this.requireWritable('write a checkpoint');
    await this.init();
    const { q, family } = this.runner();
    const range = checkpoint.range ? JSON.stringify(checkpoint.range) : undefined;
    const values = [
      checkpoint.stream,
      checkpoint.seq,
      checkpoint.kind,
      checkpoint.hash,
      checkpoint.createdAt,
      checkpoint.note,
      range,
    ]
      .map((value) => (value === undefined ? 'NULL' : this.escape(value)))
      .join(', ');
    const columns = ['stream', 'seq', 'kind', 'hash', 'created_at', 'note', 'tree_range']
      .map(q)
      .join(', ');
    await this.run(
      `${insertIgnorePrefix(family)} ${q(this.tables.checkpoints)} (${columns}) VALUES (${values}) ${insertIgnoreSuffix(family)}`,
    );
  }

  async checkpoints(stream: string): Promise<AuditCheckpoint[]> {
    await this.init();
    if (!this.hasCheckpointTable) return [];
    const { q } = this.runner();
    const rows = await this.select(
      `SELECT * FROM ${q(this.tables.checkpoints)} WHERE ${q('stream')} = ${this.escape(stream)} ` +
        `ORDER BY ${q('seq')} DESC, ${q('created_at')} DESC`,
    );
    return rows.map((row) => {
      const checkpoint: AuditCheckpoint = {
        stream: String(row.stream),
        seq: Number(row.seq),
        hash: String(row.hash),
        createdAt: String(row.created_at),
        kind: row.kind === 'prune' ? 'prune' : 'periodic',
      };
      if (typeof row.note === 'string') checkpoint.note = row.note;
      if (typeof row.tree_range === 'string') {
        checkpoint.range = JSON.parse(row.tree_range) as string[];
      }
      return checkpoint;
    });
  }

  async checkpointStreams(): Promise<string[]> {
    await this.init();
    if (!this.hasCheckpointTable) return [];
    const { q } = this.runner();
    const rows = await this.select(
      `SELECT DISTINCT ${q('stream')} FROM ${q(this.tables.checkpoints)} ORDER BY ${q('stream')}`,
    );
    return rows.map((row) => String(row.stream));
  }

  /** The distinct `table` values of the records (the audited tables), sorted. */
  async recordTables(): Promise<string[]> {
    await this.init();
    const { q } = this.runner();
    const rows = await this.select(
      `SELECT DISTINCT ${q('table_name')} AS ${q('t')} FROM ${q(this.tables.records)} ORDER BY ${q('t')}`,
    );
    return rows.map((row) => String(row.t));
  }

  async prune(before: Date): Promise<{ removed: number }> {
    this.requireWritable('prune');
    let removed = 0;
    for (const head of await this.streams()) removed += await this.pruneStream(head, before);
    return { removed };
  }

  async close(): Promise<void> {
    const sequelize = this.sequelize;
    this.initialized = undefined;
    if (this.ownsConnection && sequelize) {
      this.sequelize = undefined;
      this.sqlRunner = undefined;
      await sequelize.close();
    }
  }

  private async initialize(): Promise<void> {
    if (!this.sequelize) {
      this.attach(
        (await openSqlConnection(this.options.url ?? '', {
          readOnly: this.mode === 'read',
          mustExist: this.mode === 'read' || this.options.migrate === false,
          sequelizeOptions: this.options.sequelizeOptions,
        })) as unknown as StoreSequelize,
      );
    }
    if (this.mode === 'write' && this.options.migrate !== false) {
      await ensureAuditSchema(this.runner(), this.tables);
      return;
    }
    const tables = await existingTables(this.runner());
    const present = (name: string) =>
      // SQLite matches table names in any case.
      this.runner().family === 'sqlite'
        ? tables.some((t) => t.toLowerCase() === name.toLowerCase())
        : tables.includes(name);
    if (!present(this.tables.records)) {
      throw new AuditStoreNotFoundError(this.tables.records, tables, 'table');
    }
    this.hasCheckpointTable = present(this.tables.checkpoints);
  }

  private requireWritable(operation: string): void {
    if (this.mode === 'read') throw readOnlyError(this.name, operation);
  }

  private attach(sequelize: StoreSequelize): void {
    const family = sqlFamilyOf(dialectOf(sequelize));
    this.sequelize = sequelize;
    this.sqlRunner = {
      family,
      q: (name: string) => quoteIdentifier(family, name),
      escape: (value: string | number) => sequelize.escape(value),
      run: (sql: string) => this.run(sql),
      select: (sql: string) => this.select(sql),
    };
  }

  private async pruneStream(head: StreamHead, before: Date): Promise<number> {
    const { q } = this.runner();
    const table = q(this.tables.records);
    const inStream = `${q('stream')} = ${this.escape(head.stream)}`;
    const firstKept = await this.select(
      `SELECT MIN(${q('seq')}) AS ${q('seq')} FROM ${table} WHERE ${inStream} AND ${q('seq')} IS NOT NULL ` +
        `AND ${q('occurred_at')} >= ${time(this.runner(), before)}`,
    );
    const keptSeq = firstKept[0]?.seq;
    const cut = keptSeq === null || keptSeq === undefined ? head.lastSeq : Number(keptSeq) - 1;
    return this.cutStream(head.stream, cut);
  }

  /**
   * Removes the records of each stream up to its seq in `cuts` (inclusive), leaving a `prune`
   * checkpoint at each cut (retention prune: `pruneByRetention`).
   */
  async pruneThrough(cuts: ReadonlyMap<string, number>): Promise<{ removed: number }> {
    this.requireWritable('prune');
    await this.init();
    let removed = 0;
    for (const [stream, seq] of cuts) removed += await this.cutStream(stream, seq);
    return { removed };
  }

  private async cutStream(stream: string, cut: number): Promise<number> {
    const { q } = this.runner();
    const table = q(this.tables.records);
    const inStream = `${q('stream')} = ${this.escape(stream)}`;
    const [last] = await this.readStream(stream, cut, 1);
    if (cut < 1 || !last || last.seq !== cut) return 0;
    await this.writeCheckpoint({
      stream,
      seq: cut,
      hash: last.hash,
      createdAt: new Date().toISOString(),
      kind: 'prune',
    });
    const countRows = await this.select(
      `SELECT COUNT(*) AS ${q('n')} FROM ${table} WHERE ${inStream} AND ${q('seq')} <= ${cut}`,
    );
    await this.run(`DELETE FROM ${table} WHERE ${inStream} AND ${q('seq')} <= ${cut}`);
    return Number(countRows[0]?.n ?? 0);
  }

  private async heads(condition?: string): Promise<StreamHead[]> {
    await this.init();
    const { q } = this.runner();
    const table = q(this.tables.records);
    const where = condition ? ` AND ${condition}` : '';
    const rows = await this.select(
      `SELECT r.${q('stream')} AS ${q('stream')}, r.${q('seq')} AS ${q('seq')}, r.${q('hash')} AS ${q('hash')}, s.${q('n')} AS ${q('n')} ` +
        `FROM ${table} r JOIN (SELECT ${q('stream')}, MAX(${q('seq')}) AS ${q('m')}, COUNT(*) AS ${q('n')} FROM ${table} ` +
        `WHERE ${q('seq')} IS NOT NULL${where} GROUP BY ${q('stream')}) s ` +
        `ON r.${q('stream')} = s.${q('stream')} AND r.${q('seq')} = s.${q('m')} ORDER BY r.${q('stream')}`,
    );
    return rows.map((row) => ({
      stream: String(row.stream),
      lastSeq: Number(row.seq),
      lastHash: String(row.hash),
      records: Number(row.n),
    }));
  }

  private async insertChunks(records: readonly AuditRecord[], onDuplicate: OnDuplicate) {
    if (records.length === 0) return;
    await this.init();
    for (const sql of this.insertSql(records, onDuplicate)) await this.run(sql);
  }

  private insertSql(
    records: ReadonlyArray<AuditEvent & Partial<AuditRecord>>,
    onDuplicate: OnDuplicate,
  ): string[] {
    const limits: InsertLimits = {
      maxRows: this.options.insertChunkSize ?? 1000,
      maxBytes: this.options.insertChunkBytes ?? DEFAULT_INSERT_MAX_BYTES,
    };
    return insertStatements(this.runner(), this.tables.records, records, onDuplicate, limits);
  }

  private runner(): SqlRunner {
    if (!this.sqlRunner || !this.sequelize) {
      throw new Error(`AuditStore "${this.name}": not initialized or closed; call init() first`);
    }
    return this.sqlRunner;
  }

  private escape(value: string | number): string {
    return this.runner().escape(value);
  }

  private async run(sql: string): Promise<void> {
    await this.query(sql, { type: 'RAW' });
  }

  private async select(sql: string): Promise<AuditRow[]> {
    return (await this.query(sql, { type: 'SELECT' })) as AuditRow[];
  }

  /**
   * Every statement names its transaction: the one given (transactional durability), else
   * `null`, so that a CLS transaction of the application (`Sequelize.useCLS`) is never joined
   * and nothing of the store's is rolled back with it.
   */
  private query(sql: string, options: Record<string, unknown>): Promise<unknown> {
    const sequelize = this.sequelize;
    if (!sequelize) return Promise.reject(new Error(`AuditStore "${this.name}": closed`));
    return runAsStore(() =>
      sequelize.query(sql, {
        transaction: null,
        ...options,
        logging: false,
        [AUDIT_STORE_QUERY_OPTION]: true,
      }),
    );
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

function safeLimit(limit: number): number {
  return Math.max(0, Math.floor(Number.isFinite(limit) ? limit : 0));
}
