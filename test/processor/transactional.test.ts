import assert from 'node:assert/strict';
import type { Model, ModelStatic, Sequelize } from 'sequelize';
import { AuditSpanProcessor, SqlAuditStore, verifyChains } from '../../src';
import { describeEachDialect } from '../support/dialects';
import { installProvider, tempDirectory } from './support/harness';

describeEachDialect("AuditSpanProcessor with durability 'transactional'", (fixture) => {
  let sequelize: Sequelize;
  let Account: ModelStatic<Model>;
  const spool = tempDirectory('osa-tx-');
  let tables = 0;

  before(async () => {
    sequelize = fixture.connect();
    const { DataTypes } = fixture;
    Account = sequelize.define('Account', { owner: DataTypes.STRING, balance: DataTypes.INTEGER });
    await Account.sync();
  });
  after(() => spool.remove());

  function setUp(store: SqlAuditStore) {
    const processor = new AuditSpanProcessor({
      store,
      durability: 'transactional',
      spool: { directory: spool.path },
      closeStoreOnShutdown: false,
    });
    return { processor, ...installProvider(processor) };
  }

  const table = () => `audit_tx_${(tables += 1)}`;

  async function auditRows(name: string): Promise<Array<{ hash: string | null }>> {
    const q = sequelize.getQueryInterface().quoteIdentifier(name);
    return (await sequelize.query(
      `SELECT ${sequelize.getQueryInterface().quoteIdentifier('hash')} FROM ${q}`,
      {
        type: 'SELECT',
      },
    )) as Array<{ hash: string | null }>;
  }

  it('commits the audit rows with the data in the same transaction and seals them after', async () => {
    const name = table();
    const store = new SqlAuditStore({ sequelize, table: name });
    await store.init();
    const { processor, restore } = setUp(store);
    let rightAfterCommit: Array<{ hash: string | null }> = [];
    try {
      await sequelize.transaction(async (transaction) => {
        await Account.create({ owner: 'ann', balance: 10 }, { transaction });
        await Account.create({ owner: 'bob', balance: 5 }, { transaction });
        assert.equal((await auditRows(name)).length, 0);
      });
      rightAfterCommit = await auditRows(name);
      await processor.shutdown();
    } finally {
      restore();
    }
    assert.equal(rightAfterCommit.length, 2);
    assert.deepEqual(await verifyChains(store), { ok: true, streams: 1, records: 2 });
    assert.ok((await auditRows(name)).every((row) => row.hash !== null));
  });

  it('leaves no audit row when the transaction rolls back', async () => {
    const name = table();
    const store = new SqlAuditStore({ sequelize, table: name });
    await store.init();
    const { processor, restore } = setUp(store);
    try {
      await assert.rejects(
        sequelize.transaction(async (transaction) => {
          await Account.create({ owner: 'eve', balance: 1 }, { transaction });
          throw new Error('business rule failed');
        }),
        /business rule failed/,
      );
      await processor.shutdown();
    } finally {
      restore();
    }
    assert.equal((await auditRows(name)).length, 0);
    assert.equal(await Account.count({ where: { owner: 'eve' } }), 0);
  });

  it('falls back to writing after COMMIT when the store is on another connection', async () => {
    const store = new SqlAuditStore({ url: fixture.url, table: table() });
    const { processor, restore } = setUp(store);
    try {
      await sequelize.transaction(async (transaction) => {
        await Account.create({ owner: 'fay', balance: 3 }, { transaction });
      });
      await processor.shutdown();
    } finally {
      restore();
    }
    assert.deepEqual(await verifyChains(store), { ok: true, streams: 1, records: 1 });
    await store.close();
  });
});
