import { Client } from 'pg';

/** Where the PostgreSQL suites run: a fresh database made for one run, dropped after. */
export interface SuiteDatabase {
  name: string;
  env: NodeJS.ProcessEnv;
  drop(): Promise<void>;
}

/**
 * Creates a fresh database with what the suites need: hstore, citext, btree_gist, postgis
 * when the server has it (only the geometry tests use it), and an ICU collation "en_US".
 * `url` names the server and a database to connect to for CREATE DATABASE.
 */
export async function createSuiteDatabase(url: string, label: string): Promise<SuiteDatabase> {
  const server = new URL(url);
  const name = `sequelize_suite_${process.pid}_${label}`;
  await withClient(url, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${name}`);
    await client.query(`CREATE DATABASE ${name}`);
  });
  const databaseUrl = new URL(url);
  databaseUrl.pathname = `/${name}`;
  await withClient(databaseUrl.toString(), async (client) => {
    for (const extension of ['hstore', 'citext', 'btree_gist']) {
      await client.query(`CREATE EXTENSION IF NOT EXISTS ${extension}`);
    }
    await client.query('CREATE EXTENSION IF NOT EXISTS postgis').catch(() => undefined);
    await client.query(`CREATE COLLATION IF NOT EXISTS "en_US" (provider = icu, locale = 'en-US')`);
  });
  return {
    name,
    env: {
      SEQ_PG_HOST: server.hostname,
      SEQ_PG_PORT: server.port || '5432',
      SEQ_PG_USER: decodeURIComponent(server.username) || 'postgres',
      SEQ_PG_PW: decodeURIComponent(server.password) || 'unused-with-trust-auth',
      SEQ_PG_DB: name,
    },
    drop: () =>
      withClient(url, async (client) => {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }),
  };
}

async function withClient(url: string, work: (client: Client) => Promise<void>): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
