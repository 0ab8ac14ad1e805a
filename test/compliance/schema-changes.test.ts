import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataTypes } from 'sequelize';
import type { QueryInterface, Sequelize } from 'sequelize';
import { SequelizeStorage, Umzug } from 'umzug';
import { verifyChains, withAuditContext } from '../../src';
import type { AuditRecord } from '../../src';
import { AuditedApp } from '../hooks/support/audited-app';
import { describeEachDialect } from '../support/dialects';
import { instrumentation, resetInstrumentation } from '../support/setup';

describeEachDialect(
  'schema-change records',
  (db) => {
    let sequelize: Sequelize;
    let app: AuditedApp | undefined;
    let tables = 0;
    const start = (): AuditedApp => {
      app = AuditedApp.sql(db, `audit_schema_${(tables += 1)}`);
      return app;
    };
    const records = async (filter: { table?: string } = {}): Promise<AuditRecord[]> => {
      await app?.flush();
      return (await app?.store.find(filter, { limit: 1000 })) ?? [];
    };
    const schemaRecords = async (table?: string) =>
      (await records({ table })).filter((r) => r.operation === 'schema');
    const qi = (): QueryInterface => sequelize.getQueryInterface();

    before(() => {
      sequelize = db.connect();
    });
    afterEach(async () => {
      await app?.stop();
      app = undefined;
      resetInstrumentation();
    });

    it('records sync: one schema record per table created, with the statement, the model and the actor', async () => {
      start();
      sequelize.define('Widget', { label: DataTypes.STRING }, { tableName: 'widgets' });
      await withAuditContext({ actor: { id: 'deployer', type: 'service' } }, () =>
        sequelize.sync({ force: true }),
      );
      const created = (await schemaRecords('widgets')).filter(
        (r) => r.metadata?.schema_change === 'createTable',
      );
      assert.equal(created.length, 1);
      const [record] = created;
      assert.equal(record.granularity, 'statement');
      assert.equal(record.model, 'Widget');
      assert.deepEqual(record.actor, { id: 'deployer', type: 'service' });
      assert.match(record.statement ?? '', /CREATE TABLE IF NOT EXISTS [`"]?widgets/);
      assert.deepEqual([...record.changedFields].sort(), ['createdAt', 'id', 'label', 'updatedAt']);
      // A second sync finds the table and changes nothing: no record.
      await sequelize.sync();
      assert.equal(
        (await schemaRecords('widgets')).filter((r) => r.metadata?.schema_change === 'createTable')
          .length,
        1,
      );
    });

    it('records each queryInterface DDL call once, and nothing else for the statements it ran', async () => {
      start();
      await qi().dropTable('gadgets');
      await qi().createTable('gadgets', {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        name: { type: DataTypes.STRING, defaultValue: 'secret-default' },
      });
      await qi().bulkInsert('gadgets', [{ name: 'a' }, { name: 'b' }]);
      await qi().addColumn('gadgets', 'size', { type: DataTypes.INTEGER });
      await qi().changeColumn('gadgets', 'size', { type: DataTypes.BIGINT });
      await qi().renameColumn('gadgets', 'size', 'weight');
      await qi().addIndex('gadgets', ['weight'], { name: 'gadgets_weight' });
      await qi().removeColumn('gadgets', 'weight');
      await qi().dropTable('gadgets');
      const all = await records({ table: 'gadgets' });
      const schema = all.filter((r) => r.operation === 'schema');
      assert.deepEqual(
        schema.map((r) => r.metadata?.schema_change),
        [
          'dropTable',
          'createTable',
          'addColumn',
          'changeColumn',
          'renameColumn',
          'addIndex',
          'removeColumn',
          'dropTable',
        ],
      );
      assert.deepEqual(
        schema.map((r) => r.changedFields),
        [[], ['id', 'name'], ['size'], ['size'], ['size', 'weight'], ['weight'], ['weight'], []],
      );
      for (const record of schema) {
        assert.equal(record.table, 'gadgets');
        assert.doesNotMatch(record.statement ?? '', /secret-default/);
      }
      // The one data write is the bulkInsert; SQLite's table rebuilds (INSERT ... SELECT) are
      // part of their schema change, never raw writes of their own.
      assert.deepEqual(
        all.filter((r) => r.operation !== 'schema').map((r) => r.operation),
        ['insert'],
      );
      assert.equal((await verifyChains(app!.store)).ok, true);
    });

    it('records raw DDL sent with sequelize.query, with the table it names', async () => {
      start();
      await sequelize.query('CREATE TABLE raw_ddl (id INTEGER PRIMARY KEY)');
      await sequelize.query('CREATE INDEX raw_ddl_id ON raw_ddl (id)');
      await sequelize.query('DROP TABLE raw_ddl');
      const schema = await schemaRecords('raw_ddl');
      assert.deepEqual(
        schema.map((r) => [r.metadata?.schema_change, r.statement]),
        [
          ['sql', 'CREATE TABLE raw_ddl (id INTEGER PRIMARY KEY)'],
          ['sql', 'CREATE INDEX raw_ddl_id ON raw_ddl (id)'],
          ['sql', 'DROP TABLE raw_ddl'],
        ],
      );
    });

    it('unpatches the query interface on disable(), and patches it again once enabled', async () => {
      const patched = () =>
        (qi().createTable as unknown as { __original?: unknown }).__original !== undefined;
      assert.equal(patched(), true);
      instrumentation.disable();
      try {
        assert.equal(patched(), false);
      } finally {
        instrumentation.enable();
      }
      assert.equal(patched(), true);
      start();
      await qi().createTable('re_enabled', { id: { type: DataTypes.INTEGER, primaryKey: true } });
      await qi().dropTable('re_enabled');
      assert.deepEqual(
        (await schemaRecords('re_enabled')).map((r) => r.metadata?.schema_change),
        ['createTable', 'dropTable'],
      );
    });

    it('records nothing for a DDL call that fails', async () => {
      start();
      await assert.rejects(qi().addColumn('no_such_table', 'x', { type: DataTypes.INTEGER }));
      assert.deepEqual(await schemaRecords('no_such_table'), []);
    });

    it('follows the transaction where DDL is transactional, and records at once where it commits implicitly', async () => {
      start();
      await qi().createTable('tx_ddl', { id: { type: DataTypes.INTEGER, primaryKey: true } });
      const transaction = await sequelize.transaction();
      await qi().addColumn('tx_ddl', 'extra', { type: DataTypes.INTEGER }, { transaction });
      await transaction.rollback();
      const added = (await schemaRecords('tx_ddl')).filter(
        (r) => r.metadata?.schema_change === 'addColumn',
      );
      const implicitCommit = db.name === 'mariadb' || db.name === 'mysql';
      assert.equal(added.length, implicitCommit ? 1 : 0);
      await qi().dropTable('tx_ddl');
    });

    it('names the records of an umzug migration after it, up and down', async () => {
      start();
      const umzug = new Umzug({
        migrations: [
          {
            name: '20261201-create-orders',
            up: async ({ context }) => {
              await context.createTable('orders', {
                id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
              });
              await context.addColumn('orders', 'total', { type: DataTypes.INTEGER });
            },
            down: async ({ context }) => {
              await context.dropTable('orders');
            },
          },
          {
            name: '20261202-add-status',
            up: ({ context }) =>
              context.addColumn('orders', 'status', { type: DataTypes.STRING(16) }),
            down: ({ context }) => context.removeColumn('orders', 'status'),
          },
        ],
        context: sequelize.getQueryInterface(),
        storage: new SequelizeStorage({ sequelize }),
        logger: undefined,
      });
      await withAuditContext({ actor: { id: 'ci', type: 'service' } }, () => umzug.up());
      await withAuditContext({ actor: { id: 'ci', type: 'service' } }, () =>
        umzug.down({ to: '20261202-add-status' }),
      );
      const orders = await schemaRecords('orders');
      assert.deepEqual(
        orders.map((r) => [
          r.metadata?.schema_change,
          r.metadata?.migration,
          r.metadata?.migration_direction,
        ]),
        [
          ['createTable', '20261201-create-orders', 'up'],
          ['addColumn', '20261201-create-orders', 'up'],
          ['addColumn', '20261202-add-status', 'up'],
          ['removeColumn', '20261202-add-status', 'down'],
        ],
      );
      assert.ok(orders.every((r) => r.actor?.id === 'ci'));
      // The storage table's own creation belongs to no migration.
      const meta = await schemaRecords('SequelizeMeta');
      assert.equal(meta.length, 1);
      assert.equal(meta[0].metadata?.migration, undefined);
      await umzug.down({ to: 0 });
      await sleep(10);
    });

    it('records the part of a failing migration that ran, unnamed, as soon as it fails', async () => {
      start();
      const umzug = new Umzug({
        migrations: [
          {
            name: '20261204-broken',
            up: async ({ context }) => {
              await context.createTable('broken_half', {
                id: { type: DataTypes.INTEGER, primaryKey: true },
              });
              await context.addColumn('no_such_table', 'x', { type: DataTypes.INTEGER });
            },
          },
        ],
        context: sequelize.getQueryInterface(),
        storage: new SequelizeStorage({ sequelize }),
        logger: undefined,
      });
      await assert.rejects(umzug.up());
      // No wait for a name: the records are there at once.
      const half = await schemaRecords('broken_half');
      assert.deepEqual(
        half.map((r) => [r.metadata?.schema_change, r.metadata?.migration]),
        [['createTable', undefined]],
      );
      await qi().dropTable('broken_half');
    });
  },
  {
    v6Only:
      'the query-interface seam wraps getQueryInterface, which Sequelize 7 deprecates and its own sync and migrations bypass (sequelize.queryInterface); on 7 only raw DDL is recorded so far',
  },
);
