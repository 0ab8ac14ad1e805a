import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as SequelizeModule from 'sequelize';
import { resetInstrumentation } from './setup';
import type { Options, Sequelize as SequelizeType } from 'sequelize';

/**
 * One suite for every database. `describeEachDialect` repeats a suite on SQLite (always),
 * PostgreSQL and MariaDB (when AUDIT_TEST_POSTGRES_URL / AUDIT_TEST_MARIADB_URL are set) and
 * the MySQL dialect (mysql2 driver) against the MariaDB server. Each suite gets a database of
 * its own, so suites and concurrent runs never see each other's tables.
 * DIALECTS=sqlite,postgres narrows the list.
 */
export type DialectName = 'sqlite' | 'postgres' | 'mariadb' | 'mysql';

export interface DialectFixture {
  readonly name: DialectName;
  /** The expected `db.system.name`. */
  readonly dbSystem: string;
  /** The database (namespace) name of this suite, or the file path for SQLite. */
  readonly database: string;
  /** The connection URL of this suite's database (a `sqlite:` URL for SQLite). */
  readonly url: string;
  /** A new Sequelize connected to this suite's database; closed after the suite. */
  connect(options?: Options): SequelizeType;
}

const ALL: DialectName[] = ['sqlite', 'postgres', 'mariadb', 'mysql'];
const DB_SYSTEM: Record<DialectName, string> = {
  sqlite: 'sqlite',
  postgres: 'postgresql',
  mariadb: 'mariadb',
  mysql: 'mysql',
};

function serverUrl(name: DialectName): string | undefined {
  if (name === 'postgres') return process.env.AUDIT_TEST_POSTGRES_URL;
  if (name === 'mariadb') return process.env.AUDIT_TEST_MARIADB_URL;
  if (name === 'mysql') {
    const mariadb = process.env.AUDIT_TEST_MARIADB_URL;
    return process.env.AUDIT_TEST_MYSQL_URL ?? mariadb?.replace(/^mariadb:/, 'mysql:');
  }
  return undefined;
}

export function selectedDialects(): DialectName[] {
  const only = process.env.DIALECTS?.split(',').map((d) => d.trim());
  return ALL.filter((d) => !only || only.includes(d));
}

const noticed = new Set<DialectName>();
function skipNotice(name: DialectName): void {
  if (noticed.has(name)) return;
  noticed.add(name);
  const variable = name === 'postgres' ? 'AUDIT_TEST_POSTGRES_URL' : 'AUDIT_TEST_MARIADB_URL';
  console.warn(`\n  NOTICE: ${name} suites are SKIPPED: set ${variable} to run them.\n`);
}

let counter = 0;
function uniqueDatabaseName(): string {
  counter += 1;
  return `t_${process.pid}_${Date.now().toString(36)}_${counter}`;
}

async function withAdmin(name: DialectName, url: string, sql: string): Promise<void> {
  const { Sequelize } = await import('sequelize');
  const admin = new Sequelize(url, { logging: false, dialect: dialectOf(name) });
  try {
    await admin.query(sql);
  } finally {
    await admin.close();
  }
}

function dialectOf(name: DialectName): Options['dialect'] {
  return name;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export function describeEachDialect(title: string, body: (fixture: DialectFixture) => void): void {
  for (const name of selectedDialects()) {
    const url = name === 'sqlite' ? 'sqlite:' : serverUrl(name);
    if (!url) {
      skipNotice(name);
      describe.skip(`${title} [${name}] (skipped: no server URL)`, () => body(unavailable(name)));
      continue;
    }
    describe(`${title} [${name}]`, function () {
      const opened: SequelizeType[] = [];
      const fixture = createFixture(name, url, opened);
      before(async function () {
        this.timeout(60_000);
        await fixture.setUp();
      });
      after(async function () {
        this.timeout(60_000);
        // A suite's instrumentation settings never reach the next suite in this process.
        resetInstrumentation();
        await Promise.allSettled(opened.map((s) => s.close()));
        await fixture.tearDown();
      });
      body(fixture);
    });
  }
}

interface ManagedFixture extends DialectFixture {
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
}

function createFixture(
  name: DialectName,
  serverUrlValue: string,
  opened: SequelizeType[],
): ManagedFixture {
  let database = '';
  let url = '';
  let tempDir = '';
  return {
    name,
    dbSystem: DB_SYSTEM[name],
    get database() {
      return database;
    },
    get url() {
      return url;
    },
    async setUp() {
      if (name === 'sqlite') {
        tempDir = mkdtempSync(join(tmpdir(), 'osa-test-'));
        database = join(tempDir, 'test.sqlite');
        url = `sqlite:${database}`;
        return;
      }
      database = uniqueDatabaseName();
      await withAdmin(name, serverUrlValue, `CREATE DATABASE ${database}`);
      url = withDatabase(serverUrlValue, database);
    },
    async tearDown() {
      if (name === 'sqlite') {
        rmSync(tempDir, { recursive: true, force: true });
        return;
      }
      await withAdmin(name, serverUrlValue, `DROP DATABASE IF EXISTS ${database}`);
    },
    connect(options: Options = {}) {
      // Required lazily so the instrumentation (test/support/setup.ts) patches it first.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { Sequelize } = require('sequelize') as typeof SequelizeModule;
      const sequelize =
        name === 'sqlite'
          ? new Sequelize({ dialect: 'sqlite', storage: database, logging: false, ...options })
          : new Sequelize(url, { dialect: dialectOf(name), logging: false, ...options });
      opened.push(sequelize);
      return sequelize;
    },
  };
}

function unavailable(name: DialectName): DialectFixture {
  const fail = (): never => {
    throw new Error(`${name} is not available in this run`);
  };
  return { name, dbSystem: DB_SYSTEM[name], database: '', url: '', connect: fail };
}
