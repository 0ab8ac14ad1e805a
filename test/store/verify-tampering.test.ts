import assert from 'node:assert/strict';
import type { Sequelize } from 'sequelize';
import { SqlAuditStore } from '../../src/store/sql/sql-audit-store';
import { verifyChains } from '../../src/store/verify-chains';
import { describeEachDialect } from '../support/dialects';
import { makeChain } from './support/events';

/*
 * Each kind of tampering done the way an insider would: plain SQL on the audit table.
 */
describeEachDialect('verifyChains against tampering with plain SQL', (fixture) => {
  let sequelize: Sequelize;
  let tables = 0;
  before(() => {
    sequelize = fixture.connect();
  });

  /** A store holding one chain of 10 records and a checkpoint at its head. */
  async function seeded(): Promise<{
    store: SqlAuditStore;
    table: string;
    q: (n: string) => string;
  }> {
    tables += 1;
    const table = `audit_tamper_${tables}`;
    const store = new SqlAuditStore({ sequelize, table });
    const chain = makeChain('writer-1', 10);
    await store.append(chain);
    await store.writeCheckpoint({
      stream: 'writer-1',
      seq: 10,
      hash: chain[9].hash,
      createdAt: new Date().toISOString(),
      kind: 'periodic',
    });
    assert.equal((await verifyChains(store)).ok, true);
    const q = (name: string) => sequelize.getQueryInterface().quoteIdentifier(name);
    return { store, table: q(table), q };
  }

  /** Moves seq values by SQL without tripping the unique (stream, seq) index midway. */
  async function setSeq(table: string, q: (n: string) => string, from: number, to: number) {
    await sequelize.query(`UPDATE ${table} SET ${q('seq')} = ${to} WHERE ${q('seq')} = ${from}`);
  }

  it('catches a changed value', async () => {
    const { store, table, q } = await seeded();
    await sequelize.query(
      `UPDATE ${table} SET ${q('actor_id')} = 'someone-else' WHERE ${q('seq')} = 4`,
    );
    const result = await verifyChains(store);
    assert.equal(result.ok, false);
    assert.equal(result.firstBreak?.seq, 4);
    assert.match(result.firstBreak?.reason ?? '', /^content changed/);
  });

  it('catches a changed JSON value', async () => {
    const { store, table, q } = await seeded();
    await sequelize.query(
      `UPDATE ${table} SET ${q('after_values')} = '{"name":"forged"}' WHERE ${q('seq')} = 6`,
    );
    const result = await verifyChains(store);
    assert.deepEqual(
      [result.firstBreak?.seq, result.firstBreak?.reason.split(':')[0]],
      [6, 'content changed'],
    );
  });

  it('catches a deleted record', async () => {
    const { store, table, q } = await seeded();
    await sequelize.query(`DELETE FROM ${table} WHERE ${q('seq')} = 5`);
    const result = await verifyChains(store);
    assert.deepEqual(
      [result.firstBreak?.seq, result.firstBreak?.reason.split(':')[0]],
      [5, 'record missing'],
    );
  });

  it('catches a deleted record whose gap was closed by renumbering', async () => {
    const { store, table, q } = await seeded();
    await sequelize.query(`DELETE FROM ${table} WHERE ${q('seq')} = 5`);
    for (let seq = 6; seq <= 10; seq += 1) await setSeq(table, q, seq, seq - 1);
    const result = await verifyChains(store);
    assert.deepEqual(
      [result.firstBreak?.seq, result.firstBreak?.reason.split(':')[0]],
      [5, 'broken link'],
    );
  });

  it('catches an inserted record', async () => {
    const { store, table, q } = await seeded();
    for (let seq = 10; seq >= 4; seq -= 1) await setSeq(table, q, seq, seq + 1);
    const columns = (await sequelize
      .getQueryInterface()
      .describeTable(table.replace(/[`"]/g, ''))) as Record<string, unknown>;
    const copied = Object.keys(columns)
      .filter((c) => c !== 'event_id' && c !== 'seq')
      .map(q)
      .join(', ');
    await sequelize.query(
      `INSERT INTO ${table} (${q('event_id')}, ${q('seq')}, ${copied}) SELECT 'forged-event', 4, ${copied} FROM ${table} WHERE ${q('seq')} = 3`,
    );
    const result = await verifyChains(store);
    assert.equal(result.ok, false);
    assert.equal(result.firstBreak?.seq, 4);
  });

  it('catches reordered records', async () => {
    const { store, table, q } = await seeded();
    await setSeq(table, q, 3, 1000);
    await setSeq(table, q, 7, 3);
    await setSeq(table, q, 1000, 7);
    const result = await verifyChains(store);
    assert.deepEqual(
      [result.firstBreak?.seq, result.firstBreak?.reason.split(':')[0]],
      [3, 'broken link'],
    );
  });

  it('catches a truncated tail against the last checkpoint', async () => {
    const { store, table, q } = await seeded();
    await sequelize.query(`DELETE FROM ${table} WHERE ${q('seq')} > 7`);
    const result = await verifyChains(store);
    assert.deepEqual(
      [result.firstBreak?.seq, result.firstBreak?.reason.split(':')[0]],
      [8, 'truncated tail'],
    );
  });

  it("catches a writer's records deleted altogether, from its checkpoint", async () => {
    const { store, table, q } = await seeded();
    await sequelize.query(`DELETE FROM ${table} WHERE ${q('stream')} = 'writer-1'`);
    const result = await verifyChains(store);
    assert.deepEqual(
      [result.firstBreak?.stream, result.firstBreak?.seq, result.firstBreak?.reason.split(':')[0]],
      ['writer-1', 1, 'truncated tail'],
    );
  });

  it('counts every record of an intact store', async () => {
    const { store } = await seeded();
    assert.deepEqual(await verifyChains(store), { ok: true, streams: 1, records: 10 });
  });
});
