import assert from 'node:assert/strict';
import { Transaction } from 'sequelize';
import type { Model, ModelStatic, Sequelize } from 'sequelize';
import { withoutAudit } from '../../src';
import type { AuditEvent } from '../../src';
import { describeEachDialect } from '../support/dialects';
import { AuditEventCollector } from './support/audit-events';

/*
 * Bulk updates and destroys while other writers insert and delete matching rows, at READ
 * COMMITTED. Besides a free-running inserter and deleter, the model's own before-hooks write
 * between the audit's read and the statement, so the race is hit on every iteration rather
 * than by chance. The rows the statements changed (from their results) must equal the rows
 * audited (row-level records plus the counts of statement-level ones).
 */

const SEED_ROWS = 50;
const ITERATIONS = 8;

interface Tally {
  changed: number;
  audited: number;
  statementRecords: number;
}

describeEachDialect('audit of bulk writes racing other writers', (db) => {
  const { DataTypes, Op } = db;
  let sequelize: Sequelize;
  let Item: ModelStatic<Model>;
  const collector = new AuditEventCollector();
  /** What the before-hooks do between the audit's read and the write. */
  let interleave: (options: { transaction?: Transaction | null }) => Promise<void> = async () =>
    undefined;

  before(async () => {
    collector.start();
    sequelize = db.connect({ pool: { max: 8 } });
    Item = sequelize.define(
      'Item',
      { bucket: DataTypes.INTEGER, n: DataTypes.INTEGER },
      { tableName: 'race_items', timestamps: false },
    );
    Item.addHook('beforeBulkUpdate', (options) => interleave(options));
    Item.addHook('beforeBulkDestroy', (options) => interleave(options));
    await sequelize.sync({ force: true });
  });
  after(() => collector.stop());

  async function seed(): Promise<void> {
    await withoutAudit(async () => {
      await Item.destroy({ where: {}, hooks: false });
      await Item.bulkCreate(Array.from({ length: SEED_ROWS }, () => ({ bucket: 1, n: 0 })));
    });
    collector.reset();
  }

  /** A writer the audit does not record (its own rows are not what is being checked). */
  const insertOne = () => withoutAudit(() => Item.create({ bucket: 1, n: 0 }));
  const deleteOne = async () => {
    const victim = await withoutAudit(() =>
      Item.findOne({ where: { bucket: 1 }, order: [['id', 'DESC']] }),
    );
    if (victim)
      await withoutAudit(() => Item.destroy({ where: { id: victim.get('id') }, hooks: false }));
  };

  async function runRace(inTransaction: boolean): Promise<Tally> {
    await seed();
    let running = true;
    const background = (write: () => Promise<void>) =>
      (async () => {
        while (running) await write().catch(() => undefined);
      })();
    // In a transaction the rows read are locked: a delete of one waits for the commit, so the
    // hook starts it and goes on; an insert of a new row never waits.
    interleave = async (options) => {
      await insertOne();
      const deleting = deleteOne();
      if (!options.transaction) await deleting;
      else deleting.catch(() => undefined);
    };
    const inserter = background(async () => {
      await insertOne();
    });
    const deleter = background(deleteOne);
    let changed = 0;
    try {
      for (let i = 1; i <= ITERATIONS; i += 1) {
        const write = async (transaction: Transaction | null) => {
          const [updated] = await Item.update({ n: i }, { where: { bucket: 1 }, transaction });
          changed += updated;
          if (i % 3 === 0) {
            const cutoff = await withoutAudit(() => Item.max('id', { where: { bucket: 1 } }));
            changed += await Item.destroy({
              where: { bucket: 1, id: { [Op.gt]: Number(cutoff) - 6 } },
              transaction,
            });
          }
        };
        if (inTransaction) {
          await sequelize.transaction(
            { isolationLevel: Transaction.ISOLATION_LEVELS.READ_COMMITTED },
            (transaction) => write(transaction),
          );
        } else {
          await write(null);
        }
      }
    } finally {
      running = false;
      interleave = async () => undefined;
      await Promise.all([inserter, deleter]);
    }
    return tally(changed, collector.all());
  }

  function tally(changed: number, events: readonly AuditEvent[]): Tally {
    const mine = events.filter((event) => event.table === 'race_items');
    const statements = mine.filter((event) => event.granularity === 'statement');
    const audited =
      mine.length -
      statements.length +
      statements.reduce((sum, e) => sum + (e.affectedRows ?? 0), 0);
    return { changed, audited, statementRecords: statements.length };
  }

  it('audits exactly the rows bulk writes changed inside READ COMMITTED transactions', async function () {
    // SQLite has one writer at a time: no concurrent writers to race, and no READ COMMITTED.
    if (db.name === 'sqlite') this.skip();
    this.timeout(120_000);
    const result = await runRace(true);
    console.log(`      [${db.name}] in transactions: ${JSON.stringify(result)}`);
    assert.equal(result.audited, result.changed);
  });

  it('audits exactly as many rows as autocommit bulk writes changed', async function () {
    this.timeout(120_000);
    const result = await runRace(false);
    console.log(`      [${db.name}] autocommit: ${JSON.stringify(result)}`);
    assert.equal(result.audited, result.changed);
  });
});
