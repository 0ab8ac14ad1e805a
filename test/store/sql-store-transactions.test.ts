import assert from 'node:assert/strict';
import { createNamespace, destroyNamespace } from 'cls-hooked';
import type { Model, ModelStatic, Sequelize } from 'sequelize';
import { AuditSpanProcessor, SqlAuditStore } from '../../src';
import { AUDIT_STORE_QUERY_OPTION } from '../../src/store/store-context';
import { installProvider, tempDirectory } from '../processor/support/harness';
import { describeEachDialect } from '../support/dialects';
import { makeChain } from './support/events';

interface SequelizeStatics {
  useCLS(namespace: unknown): unknown;
  _cls?: unknown;
}

/**
 * The store shares the application's Sequelize while `Sequelize.useCLS` (cls-hooked) is on:
 * a managed transaction then reaches every query that names no transaction.
 */
describeEachDialect(
  'a SQL store sharing the application Sequelize under useCLS',
  (fixture) => {
    let sequelize: Sequelize;
    let SequelizeClass: SequelizeStatics;
    let Account: ModelStatic<Model>;
    const spool = tempDirectory('osa-cls-');
    /** The `transaction` option of every statement the store sent. */
    const storeTransactions: unknown[] = [];
    let tables = 0;

    before(async () => {
      const module = fixture.module;
      SequelizeClass = module.Sequelize as unknown as SequelizeStatics;
      SequelizeClass.useCLS(createNamespace('osa-store-cls'));
      sequelize = fixture.connect();
      sequelize.addHook('beforeQuery', (options: Record<string, unknown>) => {
        if (options[AUDIT_STORE_QUERY_OPTION] === true) storeTransactions.push(options.transaction);
      });
      Account = sequelize.define('Account', {
        owner: module.DataTypes.STRING,
        balance: module.DataTypes.INTEGER,
      });
      await Account.sync();
    });
    after(() => {
      delete SequelizeClass._cls;
      destroyNamespace('osa-store-cls');
      spool.remove();
    });
    beforeEach(() => {
      storeTransactions.length = 0;
    });

    async function newStore(): Promise<SqlAuditStore> {
      tables += 1;
      const store = new SqlAuditStore({ sequelize, table: `audit_cls_${tables}` });
      await store.init();
      return store;
    }

    it('keeps records appended inside a managed transaction that rolls back', async () => {
      const store = await newStore();
      const records = makeChain('s', 3);
      await assert.rejects(
        sequelize.transaction(async () => {
          await store.append(records);
          await Account.create({ owner: 'rolled-back', balance: 1 });
          throw new Error('business rule failed');
        }),
        /business rule failed/,
      );
      assert.equal(await store.count(), 3);
      assert.equal(await Account.count({ where: { owner: 'rolled-back' } }), 0);
      assert.ok(storeTransactions.length > 0);
      assert.ok(
        storeTransactions.every((t) => t === null),
        `store statements in a transaction: ${storeTransactions.filter((t) => t !== null).length}`,
      );
    });

    it('writes the record of an autocommit write made inside a long transaction that rolls back', async () => {
      const store = await newStore();
      const processor = new AuditSpanProcessor({
        store,
        spool: { directory: spool.path },
        closeStoreOnShutdown: false,
      });
      const { restore } = installProvider(processor);
      try {
        await assert.rejects(
          sequelize.transaction(async () => {
            await Account.create({ owner: 'autocommit', balance: 1 }, { transaction: null });
            // The writer stores the autocommit record while the transaction is still open.
            await processor.forceFlush();
            await Account.create({ owner: 'in-transaction', balance: 2 });
            await Account.update({ balance: 3 }, { where: { owner: 'in-transaction' } });
            throw new Error('undo');
          }),
          /undo/,
        );
        await processor.shutdown();
      } finally {
        restore();
      }
      const records = await store.find({ table: Account.getTableName() as string });
      assert.deepEqual(
        records.map((r) => [r.operation, r.after?.owner]),
        [['insert', 'autocommit']],
      );
      assert.deepEqual(
        (await Account.findAll({ where: {} })).map((a) => a.get('owner')),
        ['autocommit'],
      );
      assert.ok(storeTransactions.every((t) => t === null));
    });
  },
  {
    v6Only:
      'Sequelize.useCLS with a cls-hooked namespace is Sequelize 6 API; Sequelize 7 keeps its transaction in AsyncLocalStorage',
  },
);
