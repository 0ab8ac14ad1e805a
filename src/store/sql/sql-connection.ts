import { readdir, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Options, Sequelize } from 'sequelize';
import { AuditStoreNotFoundError } from '../store-mode';
import { openV7Connection, sequelizeV6Installed } from './sequelize-v7-connection';

/** The npm packages each dialect's driver needs, for the error when one is missing. */
const DRIVER_PACKAGES: Readonly<Record<string, readonly string[]>> = {
  postgres: ['pg', 'pg-hstore'],
  mariadb: ['mariadb'],
  mysql: ['mysql2'],
  sqlite: ['sqlite3'],
  mssql: ['tedious'],
};

/** SQLite's SQLITE_OPEN_READONLY flag: open an existing file, never create or write one. */
const SQLITE_OPEN_READONLY = 0x00000001;

/** The error of a Sequelize whose dialect driver is not installed. */
export class AuditStoreDriverMissingError extends Error {
  constructor(
    readonly dialect: string,
    /** The npm packages to install. */
    readonly packages: readonly string[],
    cause: unknown,
  ) {
    super(
      `the ${dialect} driver is not installed: run "npm install ${packages.join(' ')}" in the application (or next to the command-line tool)`,
      { cause },
    );
    this.name = 'AuditStoreDriverMissingError';
  }
}

export interface SqlConnectionOptions {
  /** Never create a file nor write: SQLite is opened read-only and must exist. */
  readOnly: boolean;
  /** Never create a file: a SQLite file must exist (writes are allowed). @default readOnly */
  mustExist?: boolean;
  sequelizeOptions?: Options;
}

/** A Sequelize of the store's own for a connection URL (`sqlite:path`, `postgres://...`, ...). */
export async function openSqlConnection(
  url: string,
  options: SqlConnectionOptions,
): Promise<Sequelize> {
  const base: Options = { logging: false, ...options.sequelizeOptions };
  const dialect = url.startsWith('sqlite:') ? 'sqlite' : (/^([a-z]+):/i.exec(url)?.[1] ?? '');
  // Sequelize 6 when installed (also when both are), else Sequelize 7.
  if (!(await sequelizeV6Installed())) return openOnV7(url, dialect, options, base);
  const { Sequelize: SequelizeClass } = await import('sequelize');
  try {
    if (dialect !== 'sqlite') return new SequelizeClass(url, base);
    const storage = url.slice('sqlite:'.length) || ':memory:';
    if (storage !== ':memory:' && (options.readOnly || options.mustExist)) {
      await requireFile(storage);
    }
    if (!options.readOnly || storage === ':memory:') {
      return new SequelizeClass({ ...base, dialect: 'sqlite', storage });
    }
    return new SequelizeClass({
      ...base,
      dialect: 'sqlite',
      storage,
      dialectOptions: { ...base.dialectOptions, mode: SQLITE_OPEN_READONLY },
    });
  } catch (error) {
    throw driverMissing(error, dialect) ?? error;
  }
}

async function openOnV7(
  url: string,
  dialect: string,
  options: SqlConnectionOptions,
  base: Options,
): Promise<Sequelize> {
  if (dialect !== 'sqlite') return openV7Connection(dialect, url, undefined, base);
  const storage = url.slice('sqlite:'.length) || ':memory:';
  if (storage !== ':memory:' && (options.readOnly || options.mustExist)) await requireFile(storage);
  const readOnly = options.readOnly && storage !== ':memory:';
  return openV7Connection(
    'sqlite',
    url,
    { storage, readOnlyMode: readOnly ? SQLITE_OPEN_READONLY : undefined },
    base,
  );
}

function driverMissing(error: unknown, dialect: string): Error | undefined {
  const message = error instanceof Error ? error.message : '';
  const named = /Please install (\S+) package manually/.exec(message)?.[1];
  if (!named) return undefined;
  const normalized = dialect === 'postgresql' ? 'postgres' : dialect;
  return new AuditStoreDriverMissingError(
    normalized,
    DRIVER_PACKAGES[normalized] ?? [named],
    error,
  );
}

async function requireFile(file: string): Promise<void> {
  if (
    await stat(file).then(
      (info) => info.isFile(),
      () => false,
    )
  )
    return;
  const siblings = await readdir(dirname(file)).catch(() => [] as string[]);
  const databases = siblings.filter((name) => /\.(sqlite3?|db)$/i.test(name)).sort();
  throw new AuditStoreNotFoundError(basename(file), databases, 'file');
}
