import type { Options, Sequelize } from 'sequelize';

/*
 * An audit store connection on Sequelize 7 (`@sequelize/core`), for an application that has
 * only Sequelize 7 installed: the dialect class comes from its own package, the connection
 * is given by `url` (SQLite: `storage`, and `mode` for read-only). Typed as Sequelize 6's
 * instance, whose calls the store makes exist on both.
 */

/** The Sequelize 7 dialect package and class of each URL scheme. */
const V7_DIALECTS: Readonly<Record<string, { package: string; export: string }>> = {
  sqlite: { package: '@sequelize/sqlite3', export: 'SqliteDialect' },
  postgres: { package: '@sequelize/postgres', export: 'PostgresDialect' },
  postgresql: { package: '@sequelize/postgres', export: 'PostgresDialect' },
  mariadb: { package: '@sequelize/mariadb', export: 'MariaDbDialect' },
  mysql: { package: '@sequelize/mysql', export: 'MySqlDialect' },
};

/** Whether `sequelize` (v6) can be loaded; if not, the store uses `@sequelize/core`. */
export async function sequelizeV6Installed(): Promise<boolean> {
  try {
    await import('sequelize');
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === 'MODULE_NOT_FOUND') return false;
    throw error;
  }
}

/** Opens a Sequelize 7 instance on `url`; `storage`/`readOnlyMode` for SQLite. */
export async function openV7Connection(
  dialect: string,
  url: string,
  sqlite: { storage: string; readOnlyMode?: number } | undefined,
  base: Options,
): Promise<Sequelize> {
  const known = V7_DIALECTS[dialect];
  if (!known) throw new Error(`no Sequelize 7 dialect for "${dialect}:" URLs`);
  const core = (await import('@sequelize/core')) as unknown as {
    Sequelize: new (options: Record<string, unknown>) => Sequelize;
  };
  const dialectModule = (await import(known.package)) as Record<string, unknown>;
  const { logging } = base;
  if (!sqlite) return new core.Sequelize({ dialect: dialectModule[known.export], url, logging });
  const memory = sqlite.storage === ':memory:';
  return new core.Sequelize({
    dialect: dialectModule[known.export],
    storage: sqlite.storage,
    logging,
    ...(sqlite.readOnlyMode === undefined ? {} : { mode: sqlite.readOnlyMode }),
    // Sequelize 7 refuses an in-memory database on a pool that could close or multiply it.
    ...(memory ? { pool: { max: 1, idle: Infinity, maxUses: Infinity } } : {}),
  });
}
