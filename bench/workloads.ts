import type { Model } from 'sequelize';
import type { BenchDatabase } from './bench-database';

/** One operation of a workload; `index` differs on every call so that writes really change rows. */
export type Operation = (index: number) => Promise<unknown>;

export interface Workload {
  name: string;
  /** Share of the base iteration count: heavy workloads run fewer iterations. */
  weight: number;
  /**
   * Sets up what the operation needs outside the timed region and returns the operation.
   * `calls` is how many times it will be called (warm-up included).
   */
  prepare(db: BenchDatabase, calls: number): Promise<Operation>;
}

export const BULK_SIZE = 100;

function userRow(index: number, tier: number): Record<string, unknown> {
  return { name: `new ${index}`, email: `new${index}@example.com`, tier, score: index };
}

/** An id of the seeded rows, spread over the table. */
function seededId(db: BenchDatabase, index: number): number {
  return 1 + ((index * 7919) % db.seedRows);
}

export const WORKLOADS: Workload[] = [
  {
    name: 'findByPk (10k rows)',
    weight: 1,
    prepare: async (db) => (index) => db.User.findByPk(seededId(db, index)),
  },
  {
    name: 'findAll where, limit 50',
    weight: 1,
    prepare: async (db) => (index) => db.User.findAll({ where: { tier: index % 100 }, limit: 50 }),
  },
  {
    name: 'create',
    weight: 1,
    prepare: async (db) => (index) => db.User.create(userRow(index, 100)),
  },
  {
    name: 'save, one changed field',
    weight: 1,
    prepare: async (db) => {
      const user = await db.User.findByPk(1, { rejectOnEmpty: true });
      return (index) => {
        user.set('score', 1_000_000 + index);
        return user.save();
      };
    },
  },
  {
    name: `bulkCreate of ${BULK_SIZE}`,
    weight: 0.1,
    prepare: async (db) => (index) =>
      db.User.bulkCreate(
        Array.from({ length: BULK_SIZE }, (_, row) => userRow(index * BULK_SIZE + row, 101)),
      ),
  },
  {
    name: 'raw SELECT 1',
    weight: 1,
    prepare: async (db) => () =>
      db.sequelize.query('SELECT 1', { type: db.library.QueryTypes.SELECT }),
  },
  {
    name: 'transaction, two writes',
    weight: 0.5,
    prepare: async (db) => (index) =>
      db.sequelize.transaction(async (transaction) => {
        const id = seededId(db, index);
        await db.Order.create({ userId: id, amount: index }, { transaction });
        await db.User.update({ score: index }, { where: { id }, transaction });
      }),
  },
  {
    name: `bulk update of ${BULK_SIZE} rows`,
    weight: 0.25,
    prepare: async (db) => (index) => {
      const first = 1 + ((index * BULK_SIZE) % (db.seedRows - BULK_SIZE));
      const { Op } = db.library;
      return db.User.update(
        { score: index },
        { where: { id: { [Op.between]: [first, first + BULK_SIZE - 1] } } },
      );
    },
  },
  {
    name: 'destroy (instance)',
    weight: 1,
    prepare: async (db, calls) => {
      const doomed = await createDoomedRows(db, calls);
      return (index) => doomed[index].destroy();
    },
  },
];

/** Rows for the destroy workload, made and loaded before timing starts. */
async function createDoomedRows(db: BenchDatabase, count: number): Promise<Model[]> {
  const doomedTier = -1;
  await db.User.bulkCreate(Array.from({ length: count }, (_, row) => userRow(row, doomedTier)));
  const rows = await db.User.findAll({ where: { tier: doomedTier }, order: [['id', 'ASC']] });
  if (rows.length < count)
    throw new Error(`destroy workload: ${rows.length} of ${count} rows made`);
  return rows;
}
