import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import type { Model, ModelStatic, Sequelize } from 'sequelize';
import { auditMiddleware } from '../../src';
import type { AuditEvent } from '../../src';
import { describeEachDialect } from '../support/dialects';
import { resetInstrumentation } from '../support/setup';
import { AuditEventCollector } from './support/audit-events';

const REQUESTS = 200;

/** Yields to the event loop so that the requests interleave between writes. */
const interleave = () => new Promise((resolve) => setImmediate(resolve));

/** This test is about attribution, not durability: skip the flush to disk on every write. */
async function skipDurableFlushes(sequelize: Sequelize, dialect: string, database: string) {
  if (dialect === 'sqlite') await sequelize.query('PRAGMA synchronous = OFF');
  if (dialect === 'postgres') {
    await sequelize.query(`ALTER DATABASE "${database}" SET synchronous_commit = off`);
  }
}

describeEachDialect('audit under concurrent requests', (db) => {
  const { DataTypes } = db;
  if (db.name !== 'sqlite' && db.name !== 'postgres') return;
  let sequelize: Sequelize;
  let Item: ModelStatic<Model>;
  let server: Server;
  let baseUrl: string;
  const collector = new AuditEventCollector();

  /** One request's writes, through every write path; returns the records it should produce. */
  async function writeEverything(owner: string): Promise<void> {
    const item = await Item.create({ owner, n: 0 });
    await interleave();
    await item.update({ n: 1 });
    await Item.update({ n: 2 }, { where: { owner } });
    await interleave();
    await Item.increment('n', { where: { owner } });
    await Item.bulkCreate([
      { owner, n: 10 },
      { owner, n: 11 },
    ]);
    await interleave();
    await Item.upsert({ id: item.get('id'), owner, n: 9 });
    await sequelize.query('UPDATE items SET n = n + 1 WHERE owner = ?', { replacements: [owner] });
    if (transactions) {
      await sequelize.transaction(async (transaction) => {
        const inside = await Item.create({ owner, n: 20 }, { transaction });
        await interleave();
        await inside.destroy({ transaction });
      });
    }
    await Item.destroy({ where: { owner } });
  }
  // SQLite allows one writing transaction at a time: concurrent ones fail with SQLITE_BUSY.
  const transactions = db.name !== 'sqlite';
  const RECORDS_PER_REQUEST = 1 + 1 + 1 + 1 + 2 + 1 + 1 + (transactions ? 2 : 0) + 3;

  before(async function () {
    this.timeout(60_000);
    resetInstrumentation();
    collector.start();
    sequelize = db.connect({ pool: { max: 20 } });
    await skipDurableFlushes(sequelize, db.name, db.database);
    Item = sequelize.define(
      'Item',
      { owner: DataTypes.STRING, n: DataTypes.INTEGER },
      { tableName: 'items' },
    );
    await sequelize.sync({ force: true });
    const app = express();
    app.use(
      auditMiddleware((req: express.Request) => ({
        actor: { id: String(req.headers['x-user']), type: 'user' },
      })),
    );
    app.post('/work', (req, res, next) => {
      writeEverything(String(req.headers['x-user'])).then(() => res.sendStatus(204), next);
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    collector.stop();
    await new Promise((resolve) => server.close(resolve));
  });

  it('credits every record of 200 interleaved requests to its own request actor', async function () {
    this.timeout(120_000);
    collector.reset();
    const statuses = await Promise.all(
      Array.from({ length: REQUESTS }, (_, i) =>
        fetch(`${baseUrl}/work`, { method: 'POST', headers: { 'x-user': `user-${i}` } }).then(
          (r) => r.status,
        ),
      ),
    );
    assert.deepEqual(new Set(statuses), new Set([204]));
    const events = collector.all();
    assert.equal(events.length, REQUESTS * RECORDS_PER_REQUEST);
    const perActor = new Map<string, AuditEvent[]>();
    for (const event of events) {
      assert.ok(event.actor, `record ${event.eventId} has an actor`);
      const owner = event.after?.owner ?? event.before?.owner;
      if (event.granularity === 'row') assert.equal(owner, event.actor.id);
      perActor.set(event.actor.id, [...(perActor.get(event.actor.id) ?? []), event]);
    }
    assert.equal(perActor.size, REQUESTS);
    for (const records of perActor.values()) {
      assert.equal(records.length, RECORDS_PER_REQUEST);
      assert.equal(new Set(records.map((r) => r.requestId)).size, 1);
    }
  });
});
