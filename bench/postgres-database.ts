import { Sequelize } from 'sequelize';

/** A database of the bench's own on the PostgreSQL server, so runs never meet others' tables. */
export interface BenchPostgres {
  url: string;
  drop(): Promise<void>;
}

async function admin(serverUrl: string, sql: string): Promise<void> {
  const sequelize = new Sequelize(serverUrl, {
    dialect: 'postgres',
    logging: false,
    dialectOptions: { connectionTimeoutMillis: 5000 },
  });
  try {
    await sequelize.query(sql);
  } finally {
    await sequelize.close();
  }
}

/** Creates `bench_<pid>` next to the server URL's database; throws when the server is unreachable. */
export async function createBenchPostgres(serverUrl: string): Promise<BenchPostgres> {
  const database = `bench_${process.pid}`;
  await admin(serverUrl, `DROP DATABASE IF EXISTS ${database}`);
  await admin(serverUrl, `CREATE DATABASE ${database}`);
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return {
    url: url.toString(),
    drop: () => admin(serverUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`),
  };
}
