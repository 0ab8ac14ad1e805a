import type { SequelizeLike } from './internal-types';
import { connectionOf, dialectOf } from './sequelize-facts';

const DB_SYSTEMS: Record<string, string> = {
  postgres: 'postgresql',
  mysql: 'mysql',
  mariadb: 'mariadb',
  sqlite: 'sqlite',
  mssql: 'microsoft.sql_server',
  db2: 'ibm.db2',
  ibmi: 'ibm.db2',
  oracle: 'oracle.db',
  snowflake: 'snowflake',
};

/** `db.system.name` of a Sequelize dialect. */
export function dbSystemOf(sequelize: SequelizeLike): string {
  return DB_SYSTEMS[dialectOf(sequelize)] ?? 'other_sql';
}

/** `db.namespace`: the database name, or the file of an SQLite database. */
export function namespaceOf(sequelize: SequelizeLike): string | undefined {
  const { database, storage } = connectionOf(sequelize);
  return database || storage;
}
