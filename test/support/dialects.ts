import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as SequelizeModule from 'sequelize';
import { resetInstrumentation } from './setup';
import type { Options, Sequelize as SequelizeType } from 'sequelize';
import { connectV7, selectedMajors, sequelizeModuleOf } from './sequelize-majors';
import type { SequelizeMajor } from './sequelize-majors';

export type { SequelizeMajor } from './sequelize-majors';
export {
  dataTypesOf,
  majorOf,
  selectedMajors,
  skipOnV7,
  unmanagedTransaction,
} from './sequelize-majors';

/**
 * One suite for every database. `describeEachDialect` repeats a suite on SQLite (always),
 * PostgreSQL and MariaDB (when AUDIT_TEST_POSTGRES_URL / AUDIT_TEST_MARIADB_URL are set) and
 * the MySQL dialect (mysql2 driver) against the MariaDB server. Each suite gets a database of
 * its own, so suites and concurrent runs never see each other's tables.
 * DIALECTS=sqlite,postgres narrows the list.
 *
 * SEQUELIZE=6,7 repeats every suite on each Sequelize major (`sequelize` 6, `@sequelize/core`
 * 7); the default is 6 only. A suite defines its models with the fixture's `DataTypes` (and
 * `Op`, `QueryTypes`, ...), so the same suite runs on both. Typed as Sequelize 6's API: the
 * v7 objects answer the calls the suites make (where v7 differs by design, the suite branches
 * on `sequelizeMajor` and says why).
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
  /** The Sequelize major this run of the suite uses. */
  readonly sequelizeMajor: SequelizeMajor;
  /** `DataTypes` of that major. */
  readonly DataTypes: typeof SequelizeModule.DataTypes;
  /** `Op` of that major. */
  readonly Op: typeof SequelizeModule.Op;
  /** `QueryTypes` of that major. */
  readonly QueryTypes: typeof SequelizeModule.QueryTypes;
  /** The whole module of that major (`sequelize` or `@sequelize/core`). */
  readonly module: typeof SequelizeModule;
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

/**
 * Options of `describeEachDialect`: a suite that runs on Sequelize 6 only says why in
 * `v6Only`, printed as the skip reason in v7 runs.
 */
export interface EachDialectOptions {
  readonly v6Only?: string;
}

export function describeEachDialect(
  title: string,
  body: (fixture: DialectFixture) => void,
  options: EachDialectOptions = {},
): void {
  for (const major of selectedMajors()) {
    const label = major === 6 ? '' : ' [sequelize 7]';
    if (major === 7 && options.v6Only) {
      describe.skip(`${title}${label} (Sequelize 6 only: ${options.v6Only})`, () => undefined);
      v6OnlyNotice(title, options.v6Only);
      continue;
    }
    describeOnMajor(`${title}${label}`, major, body);
  }
}

const v6OnlyNoticed = new Set<string>();
function v6OnlyNotice(title: string, why: string): void {
  if (v6OnlyNoticed.has(title)) return;
  v6OnlyNoticed.add(title);
  console.warn(`\n  NOTICE: "${title}" runs on Sequelize 6 only (${why}).\n`);
}

function describeOnMajor(
  title: string,
  major: SequelizeMajor,
  body: (fixture: DialectFixture) => void,
): void {
  for (const name of selectedDialects()) {
    const url = name === 'sqlite' ? 'sqlite:' : serverUrl(name);
    if (!url) {
      skipNotice(name);
      describe.skip(`${title} [${name}] (skipped: no server URL)`, () =>
        body(unavailable(name, major)));
      continue;
    }
    if (major === 7 && name === 'mysql') {
      // @sequelize/mysql is not installed: the mysql dialect of v7 is not part of the matrix.
      describe.skip(`${title} [${name}] (skipped: @sequelize/mysql is not installed)`, () =>
        body(unavailable(name, major)));
      continue;
    }
    describe(`${title} [${name}]`, function () {
      const opened: SequelizeType[] = [];
      const fixture = createFixture(name, url, opened, major);
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
  major: SequelizeMajor,
): ManagedFixture {
  let database = '';
  let url = '';
  let tempDir = '';
  return withModuleFacts(major, {
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
      if (major === 7) {
        const sequelize = connectV7(name, name === 'sqlite' ? database : url, options);
        opened.push(sequelize);
        return sequelize;
      }
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
  });
}

type ModuleFacts = Pick<
  DialectFixture,
  'sequelizeMajor' | 'module' | 'DataTypes' | 'Op' | 'QueryTypes'
>;

/**
 * Adds the facts of a major's module to a fixture, read when asked: a suite of the other
 * major never loads it.
 */
function withModuleFacts<T extends object>(major: SequelizeMajor, fixture: T): T & ModuleFacts {
  const facts = () => sequelizeModuleOf(major);
  return Object.defineProperties(fixture, {
    sequelizeMajor: { value: major, enumerable: true },
    module: { get: facts, enumerable: true },
    DataTypes: { get: () => facts().DataTypes, enumerable: true },
    Op: { get: () => facts().Op, enumerable: true },
    QueryTypes: { get: () => facts().QueryTypes, enumerable: true },
  }) as T & ModuleFacts;
}

function unavailable(name: DialectName, major: SequelizeMajor): DialectFixture {
  const fail = (): never => {
    throw new Error(`${name} is not available in this run`);
  };
  // The module facts stay readable: a skipped suite's body still runs to collect its tests.
  return withModuleFacts(major, {
    name,
    dbSystem: DB_SYSTEM[name],
    database: '',
    url: '',
    connect: fail,
  });
}
