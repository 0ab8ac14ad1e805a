import type * as SequelizeModule from 'sequelize';
import type {
  Options,
  Sequelize as SequelizeType,
  Transaction,
  TransactionOptions,
} from 'sequelize';

/**
 * The Sequelize majors of a test run: SEQUELIZE=6,7 (default 6). Sequelize 7 is
 * `@sequelize/core` with a dialect package per database; its objects are typed here as
 * Sequelize 6's, whose API the suites use (the calls they make exist on both).
 */
export type SequelizeMajor = 6 | 7;

export function selectedMajors(): SequelizeMajor[] {
  const asked = (process.env.SEQUELIZE ?? '6').split(',').map((major) => major.trim());
  const majors = ([6, 7] as const).filter((major) => asked.includes(String(major)));
  if (majors.length === 0) throw new Error(`SEQUELIZE=${process.env.SEQUELIZE}: use 6, 7 or 6,7`);
  return majors;
}

/** The Sequelize module of a major, required lazily (after the instrumentation is enabled). */
export function sequelizeModuleOf(major: SequelizeMajor): typeof SequelizeModule {
  /* eslint-disable @typescript-eslint/no-require-imports */
  return (
    major === 7 ? require('@sequelize/core') : require('sequelize')
  ) as typeof SequelizeModule;
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/** The major that made a Sequelize instance (only v7 instances have `getCurrentClsTransaction`). */
export function majorOf(sequelize: object): SequelizeMajor {
  return typeof (sequelize as { getCurrentClsTransaction?: unknown }).getCurrentClsTransaction ===
    'function'
    ? 7
    : 6;
}

/** `DataTypes` of the major that made this instance, for helpers given only the instance. */
export function dataTypesOf(sequelize: object): typeof SequelizeModule.DataTypes {
  return sequelizeModuleOf(majorOf(sequelize)).DataTypes;
}

type V7DialectName = 'sqlite' | 'postgres' | 'mariadb';

function dialectClassOf(name: V7DialectName): unknown {
  /* eslint-disable @typescript-eslint/no-require-imports */
  if (name === 'sqlite')
    return (require('@sequelize/sqlite3') as { SqliteDialect: unknown }).SqliteDialect;
  if (name === 'postgres') {
    return (require('@sequelize/postgres') as { PostgresDialect: unknown }).PostgresDialect;
  }
  return (require('@sequelize/mariadb') as { MariaDbDialect: unknown }).MariaDbDialect;
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/** Sequelize 6 options the suites pass that Sequelize 7 names differently or refuses. */
function v7Options(options: Options): Record<string, unknown> {
  const { dialectOptions, ...rest } = options as Options & { dialectOptions?: object };
  // v7 takes the driver's options at the top level (v6 nests them in dialectOptions).
  return { ...rest, ...(dialectOptions ?? {}) };
}

/**
 * A Sequelize 7 instance on a suite's database: the dialect class of its package, the SQLite
 * file as `storage`, a server database by `url`.
 */
export function connectV7(
  name: 'sqlite' | 'postgres' | 'mariadb' | 'mysql',
  location: string,
  options: Options,
): SequelizeType {
  if (name === 'mysql') throw new Error('@sequelize/mysql is not installed');
  const { Sequelize } = sequelizeModuleOf(7) as unknown as {
    Sequelize: new (options: Record<string, unknown>) => SequelizeType;
  };
  const where = name === 'sqlite' ? { storage: location } : { url: location };
  return new Sequelize({
    dialect: dialectClassOf(name),
    logging: false,
    ...where,
    ...v7Options(options),
  });
}

/**
 * An unmanaged transaction (committed or rolled back by the caller): Sequelize 6's
 * `sequelize.transaction()` without a callback, Sequelize 7's `startUnmanagedTransaction()`
 * (v7's `transaction()` requires a callback).
 */
export function unmanagedTransaction(
  sequelize: SequelizeType,
  options?: TransactionOptions,
): Promise<Transaction> {
  if (majorOf(sequelize) === 7) {
    const v7 = sequelize as unknown as {
      startUnmanagedTransaction(options?: TransactionOptions): Promise<Transaction>;
    };
    return v7.startUnmanagedTransaction(options);
  }
  return sequelize.transaction(options ?? {});
}

/**
 * Skips the running test on Sequelize 7, printing why (a behaviour v7 has by design, or a
 * v6-only API the test is about).
 */
export function skipOnV7(
  test: Mocha.Context,
  fixture: { sequelizeMajor: SequelizeMajor },
  why: string,
): void {
  if (fixture.sequelizeMajor !== 7) return;
  console.warn(`      NOTICE: skipped on Sequelize 7: ${why}`);
  test.skip();
}
