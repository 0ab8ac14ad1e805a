import type * as SequelizeModule from 'sequelize';
import type { Model, ModelStatic, Sequelize } from 'sequelize';
import type { BenchDialect } from './protocol';

/** The two tables the workloads use, on a connection of their own. */
/** Rows seeded into `bench_users` before the workloads run. */
export const SEED_ROWS = 10_000;

export interface BenchDatabase {
  sequelize: Sequelize;
  User: ModelStatic<Model>;
  Order: ModelStatic<Model>;
  /** The Sequelize module (operators, query types), as required after the instrumentation. */
  library: typeof SequelizeModule;
  seedRows: number;
}

export interface OpenOptions {
  dialect: BenchDialect;
  url?: string;
}

export async function openBenchDatabase(
  library: typeof SequelizeModule,
  options: OpenOptions,
): Promise<BenchDatabase> {
  const sequelize = connect(library, options);
  const { DataTypes } = library;
  const User = sequelize.define(
    'BenchUser',
    {
      name: DataTypes.STRING,
      email: DataTypes.STRING,
      tier: DataTypes.INTEGER,
      score: DataTypes.INTEGER,
    },
    { tableName: 'bench_users', indexes: [{ fields: ['tier'] }] },
  );
  const Order = sequelize.define(
    'BenchOrder',
    { userId: DataTypes.INTEGER, amount: DataTypes.INTEGER },
    { tableName: 'bench_orders' },
  );
  await sequelize.sync({ force: true });
  await seedUsers(sequelize, SEED_ROWS);
  return { sequelize, User, Order, library, seedRows: SEED_ROWS };
}

function connect(library: typeof SequelizeModule, options: OpenOptions): Sequelize {
  if (options.dialect === 'sqlite') {
    return new library.Sequelize({ dialect: 'sqlite', storage: ':memory:', logging: false });
  }
  if (!options.url) throw new Error('the postgres bench needs a database URL');
  return new library.Sequelize(options.url, { dialect: 'postgres', logging: false });
}

/** One statement that both SQLite and PostgreSQL understand: ids 1..rows, 100 tiers. */
async function seedUsers(sequelize: Sequelize, rows: number): Promise<void> {
  await sequelize.query(
    `WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ${Number(rows)})
     INSERT INTO bench_users (name, email, tier, score, "createdAt", "updatedAt")
     SELECT 'user ' || n, 'user' || n || '@example.com', n % 100, n % 1000,
            CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
     FROM seq`,
  );
}
