import assert from 'node:assert/strict';
import type { Sequelize } from 'sequelize';
import { SqlAuditStore } from '../../src/store/sql/sql-audit-store';
import { verifyChains } from '../../src/store/verify-chains';
import { describeEachDialect } from '../support/dialects';
import { spanExporter } from '../support/setup';
import { makeChain } from './support/events';
import { storeContract } from './support/store-contract';

describeEachDialect('SqlAuditStore', (fixture) => {
  let sequelize: Sequelize;
  before(() => {
    sequelize = fixture.connect();
  });

  describe('store contract', () => {
    storeContract(async (name) => {
      const store = new SqlAuditStore({ sequelize: fixture.connect(), table: `audit_${name}` });
      await store.init();
      return store;
    });
  });

  it('creates its tables and indexes once, and init() can run again', async () => {
    const store = new SqlAuditStore({ sequelize, table: 'audit_schema' });
    await store.init();
    await new SqlAuditStore({ sequelize, table: 'audit_schema' }).init();
    const columns = await sequelize.getQueryInterface().describeTable('audit_schema');
    for (const column of [
      'event_id',
      'stream',
      'seq',
      'prev_hash',
      'hash',
      'before_values',
      'after_values',
      'actor_id',
    ]) {
      assert.ok(columns[column], `column ${column}`);
    }
    const indexes = (await sequelize.getQueryInterface().showIndex('audit_schema')) as Array<{
      name: string;
    }>;
    const names = indexes.map((index) => index.name);
    for (const suffix of ['stream_seq', 'row_time', 'actor_time', 'trace', 'time']) {
      assert.ok(names.includes(`audit_schema_${suffix}`), `index ${suffix} in ${names.join(', ')}`);
    }
  });

  it('sends no span for its own statements, even on the application connection', async () => {
    const store = new SqlAuditStore({ sequelize, table: 'audit_untraced' });
    await store.init();
    await store.append(makeChain('s', 3));
    await store.find({ table: 'users' });
    await verifyChains(store);
    await sequelize.query('SELECT 1');
    const names = spanExporter.getFinishedSpans().map((span) => span.name);
    assert.ok(!names.some((name) => /audit_untraced/.test(name)), names.join(', '));
  });

  it('opens its own connection from a URL and closes it', async () => {
    const store = new SqlAuditStore({ url: fixture.url, table: 'audit_own' });
    await store.append(makeChain('s', 2));
    assert.equal(await store.count(), 2);
    await store.close();
  });

  it('refuses a table name that is not a plain identifier', () => {
    assert.throws(
      () => new SqlAuditStore({ sequelize, table: 'audit; DROP TABLE users' }),
      /plain identifier/,
    );
  });
});
