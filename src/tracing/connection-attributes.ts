import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_DB_NAMESPACE,
  ATTR_DB_SYSTEM_NAME,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from '@opentelemetry/semantic-conventions';
import { dbSystemOf, namespaceOf } from '../sequelize/db-system';
import type { SequelizeLike } from '../sequelize/internal-types';
import { connectionOf, dialectOf } from '../sequelize/sequelize-facts';

const DEFAULT_PORT_BY_DIALECT: Record<string, number> = {
  postgres: 5432,
  mysql: 3306,
  mariadb: 3306,
  mssql: 1433,
  db2: 50000,
  oracle: 1521,
};
/** What every span of one Sequelize instance shares: system, namespace, server. */
export interface ConnectionInfo {
  /** Sequelize's dialect name: `postgres`, `mysql`, `mariadb`, `sqlite`, ... */
  readonly dialect: string;
  readonly dbSystem: string;
  readonly namespace?: string;
  /** `server.address`, absent for SQLite. */
  readonly serverAddress?: string;
  /** `server.port`, absent for SQLite and when unknown. */
  readonly serverPort?: number;
  readonly attributes: Readonly<Attributes>;
}

const cache = new WeakMap<SequelizeLike, ConnectionInfo>();

/** Connection attributes of a Sequelize instance, computed once per instance. */
export function connectionInfo(sequelize: SequelizeLike): ConnectionInfo {
  let info = cache.get(sequelize);
  if (!info) {
    info = describeConnection(sequelize);
    cache.set(sequelize, info);
  }
  return info;
}

function describeConnection(sequelize: SequelizeLike): ConnectionInfo {
  const dialect = dialectOf(sequelize);
  const connection = connectionOf(sequelize);
  // Shared with the audit records, so spans and records name the same database.
  const dbSystem = dbSystemOf(sequelize);
  const namespace = namespaceOf(sequelize);
  const attributes: Attributes = { [ATTR_DB_SYSTEM_NAME]: dbSystem };
  if (namespace) attributes[ATTR_DB_NAMESPACE] = namespace;
  if (dialect !== 'sqlite') {
    attributes[ATTR_SERVER_ADDRESS] = connection.host ?? 'localhost';
    const port = Number(connection.port ?? DEFAULT_PORT_BY_DIALECT[dialect]);
    if (Number.isInteger(port) && port > 0) attributes[ATTR_SERVER_PORT] = port;
  }
  return {
    dialect,
    dbSystem,
    namespace,
    serverAddress: attributes[ATTR_SERVER_ADDRESS] as string | undefined,
    serverPort: attributes[ATTR_SERVER_PORT] as number | undefined,
    attributes: Object.freeze(attributes),
  };
}
