import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sequelize } from 'sequelize';
import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import {
  AuditTrail,
  JsonlAuditStore,
  OtlpLogAuditStore,
  auditMiddleware,
  verifyChains,
  withAuditContext,
} from '../../src';
import type { AuditRecord } from '../../src';
import { hashRecord } from '../../src/store/chain-hash';
import { withTable } from '../cli/support/cli-store';
import { runCli } from '../cli/support/run-cli';
import { describeEachDialect } from '../support/dialects';
import { resetInstrumentation } from '../support/setup';
import { AuditedApp, defineModels } from './support/audited-app';
import type { HooksModels } from './support/audited-app';

const OPS_12 = { ip: '10.0.0.7', ticket: 'OPS-12', attempt: 2, urgent: true };

/** Two changes with OPS-12 metadata, one with OPS-13, one without any. */
async function ticketWorkload({ Ticket }: HooksModels): Promise<number> {
  const id = await withAuditContext({ actor: { id: 'u1' }, metadata: OPS_12 }, async () => {
    const ticket = await Ticket.create({ title: 'printer', status: 'open', views: 0 });
    await ticket.update({ status: 'closed' });
    return Number(ticket.get('id'));
  });
  await withAuditContext({ actor: { id: 'u2' }, metadata: { ticket: 'OPS-13' } }, () =>
    Ticket.create({ title: 'vpn', status: 'open', views: 0 }),
  );
  await Ticket.create({ title: 'plain', status: 'open', views: 0 });
  return id;
}

describe('audit metadata in the hashed record', () => {
  const event = {
    eventId: 'e-1',
    occurredAt: '2026-12-01T09:00:00.000Z',
    operation: 'update' as const,
    granularity: 'row' as const,
    dbSystem: 'sqlite',
    table: 'Tickets',
    model: 'Ticket',
    recordId: '7',
    changedFields: ['status'],
    before: { id: 7, status: 'open' },
    after: { id: 7, status: 'closed' },
    actor: { id: 'u1' },
    requestId: 'r-1',
  };

  it('leaves the hash of a record without metadata exactly as it was before metadata existed', () => {
    // Hashes computed by the chain code of the release before metadata.
    assert.equal(
      hashRecord(null, event),
      '2b9c761285fbd1aff2a6869de902e4f0f13036d31b359df7a774a797a9a6156e',
    );
    assert.equal(
      hashRecord('ab'.repeat(32), { ...event, metadata: {} }),
      '59bb7d528095d20a2ed3ab1b9b1a2b889e72ed6b714b71ca4c59bd84b56b6bc8',
    );
  });

  it('hashes the metadata: changing one value changes the hash, key order does not', () => {
    const a = hashRecord(null, { ...event, metadata: { ticket: 'OPS-12', ip: '10.0.0.7' } });
    const b = hashRecord(null, { ...event, metadata: { ip: '10.0.0.7', ticket: 'OPS-12' } });
    const c = hashRecord(null, { ...event, metadata: { ip: '10.0.0.7', ticket: 'OPS-13' } });
    assert.equal(a, b);
    assert.notEqual(a, c);
    assert.notEqual(a, hashRecord(null, event));
  });
});

describeEachDialect('audit metadata end to end', (db) => {
  let sequelize: Sequelize;
  let models: HooksModels;
  let app: AuditedApp | undefined;
  let tables = 0;
  const nextTable = () => `audit_meta_${(tables += 1)}`;

  before(async () => {
    sequelize = db.connect();
    models = await defineModels(sequelize);
  });
  beforeEach(async () => {
    await models.Ticket.truncate();
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
    resetInstrumentation();
  });

  it('carries withAuditContext metadata to the audit span, the store, the history and the filters', async () => {
    app = AuditedApp.sql(db, nextTable());
    const id = await ticketWorkload(models);
    await app.flush();

    const spans = app.auditSpans();
    assert.equal(spans.length, 4);
    const first = spans[0].attributes;
    assert.equal(first['audit.metadata.ticket'], 'OPS-12');
    assert.equal(first['audit.metadata.ip'], '10.0.0.7');
    assert.equal(first['audit.metadata.attempt'], 2);
    assert.equal(first['audit.metadata.urgent'], true);
    assert.equal(
      Object.keys(spans[3].attributes).some((name) => name.startsWith('audit.metadata.')),
      false,
    );

    const records = await app.store.find({}, { limit: 100 });
    assert.deepEqual(
      records.map((record) => record.metadata),
      [OPS_12, OPS_12, { ticket: 'OPS-13' }, undefined],
    );
    assert.equal('metadata' in records[3], false);

    const trail = new AuditTrail(app.store);
    const history = await trail.history('Tickets', id);
    assert.deepEqual(
      history.versions.map((version) => version.metadata),
      [OPS_12, OPS_12],
    );
    const ids = async (metadata: Record<string, string | number | boolean>) =>
      (await trail.changes({ metadata })).records.map((record) => record.recordId);
    assert.deepEqual(await ids({ ticket: 'OPS-12' }), [String(id), String(id)]);
    assert.deepEqual(await ids({ ticket: 'OPS-12', attempt: 2, urgent: true }), [
      String(id),
      String(id),
    ]);
    assert.deepEqual(await ids({ attempt: '2', urgent: 'true' }), [String(id), String(id)]);
    assert.deepEqual(await ids({ ticket: 'OPS-12', ip: '10.0.0.8' }), []);
    assert.deepEqual(await ids({ missing: 'x' }), []);
    assert.equal(await trail.count({ metadata: { ticket: 'OPS-13' } }), 1);
    assert.deepEqual(await verifyChains(app.store), { ok: true, streams: 1, records: 4 });
  });

  it('merges nested contexts key by key, takes metadata from the auditMiddleware resolver, and puts it on statement-level records', async () => {
    app = AuditedApp.sql(db, nextTable());
    await withAuditContext({ metadata: { ip: '10.0.0.7', ticket: 'OPS-1' } }, () =>
      withAuditContext({ metadata: { ticket: 'OPS-2' } }, () =>
        models.Ticket.create({ title: 'nested', status: 'open', views: 0 }),
      ),
    );
    const middleware = auditMiddleware((request: { ip: string }) => ({
      actor: { id: 'web' },
      metadata: { ip: request.ip, userAgent: 'curl/8' },
    }));
    await middleware({ ip: '192.0.2.1' }, {}, () =>
      models.Ticket.create({ title: 'web', status: 'open', views: 0 }),
    );
    const table = sequelize.getQueryInterface().quoteIdentifier('Tickets');
    await withAuditContext({ metadata: { job: 'raw' } }, () =>
      sequelize.query(`UPDATE ${table} SET views = 5`),
    );
    await app.flush();
    const records = await app.store.find({}, { limit: 10 });
    assert.deepEqual(
      records.map((record) => [record.granularity, record.metadata]),
      [
        ['row', { ip: '10.0.0.7', ticket: 'OPS-2' }],
        ['row', { ip: '192.0.2.1', userAgent: 'curl/8' }],
        ['statement', { job: 'raw' }],
      ],
    );
  });

  it('adds the metadata column to an audit table made before it, and the old chain still verifies', async () => {
    const table = nextTable();
    app = AuditedApp.sql(db, table);
    await models.Ticket.create({ title: 'old', status: 'open', views: 0 });
    await app.flush();
    await app.stop();
    app = undefined;
    const q = db.name === 'mariadb' || db.name === 'mysql' ? '`' : '"';
    await sequelize.query(`ALTER TABLE ${q}${table}${q} DROP COLUMN ${q}metadata${q}`);

    app = AuditedApp.sql(db, table);
    await app.store.init();
    const [columns] = await sequelize.query(`SELECT * FROM ${q}${table}${q}`);
    assert.ok('metadata' in (columns[0] as object), 'the metadata column is added back');
    await withAuditContext({ metadata: { ticket: 'OPS-12' } }, () =>
      models.Ticket.create({ title: 'new', status: 'open', views: 0 }),
    );
    await app.flush();
    const records = await app.store.find({}, { limit: 10 });
    assert.deepEqual(
      records.map((record) => record.metadata),
      [undefined, { ticket: 'OPS-12' }],
    );
    assert.equal((await verifyChains(app.store)).ok, true);
  });

  if (db.name === 'mysql') return; // the CLI runs once per server: MariaDB covers its SQL
  it('lets the CLI filter by --meta (AND), show it in history and show, and export it as JSONL and CSV', async function () {
    this.timeout(120_000);
    const table = nextTable();
    app = AuditedApp.sql(db, table);
    const id = await ticketWorkload(models);
    await app.flush();
    const store = ['--store', withTable(db.url, table)];

    const changes = await runCli([...store, 'changes', '--meta', 'ticket=OPS-12', '--json']);
    assert.equal(changes.code, 0, changes.stderr);
    const page = JSON.parse(changes.stdout) as { records: AuditRecord[] };
    assert.deepEqual(
      page.records.map((record) => [record.recordId, record.metadata]),
      [
        [String(id), OPS_12],
        [String(id), OPS_12],
      ],
    );
    const both = await runCli([
      ...store,
      'changes',
      '--meta',
      'ticket=OPS-12',
      '--meta',
      'ip=10.0.0.8',
      '--json',
    ]);
    assert.deepEqual((JSON.parse(both.stdout) as { records: unknown[] }).records, []);
    const bad = await runCli([...store, 'changes', '--meta', 'ticket']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /"ticket" is not a metadata filter: use key=value/);

    const history = await runCli([...store, 'history', 'Tickets', String(id), '--json']);
    assert.equal(history.code, 0, history.stderr);
    const versions = (JSON.parse(history.stdout) as { versions: Array<{ metadata?: unknown }> })
      .versions;
    assert.deepEqual(
      versions.map((version) => version.metadata),
      [OPS_12, OPS_12],
    );
    const show = await runCli([...store, 'show', 'Tickets', String(id)]);
    assert.match(show.stdout, /metadata: attempt=2, ip=10\.0\.0\.7, ticket=OPS-12, urgent=true/);

    const jsonl = await runCli([
      ...store,
      'export',
      '--format',
      'jsonl',
      '--meta',
      'ticket=OPS-13',
    ]);
    assert.equal(jsonl.code, 0, jsonl.stderr);
    const exported = jsonl.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as AuditRecord);
    assert.deepEqual(
      exported.map((record) => record.metadata),
      [{ ticket: 'OPS-13' }],
    );
    const csv = await runCli([...store, 'export', '--format', 'csv']);
    const [header, ...rows] = csv.stdout.trim().split('\n');
    assert.ok(header.split(',').includes('metadata'));
    const metadataColumn = header.split(',').indexOf('metadata');
    assert.equal(metadataColumn, header.split(',').length - 1);
    assert.equal(
      rows[0].endsWith(
        ',"{""attempt"":2,""ip"":""10.0.0.7"",""ticket"":""OPS-12"",""urgent"":true}"',
      ),
      true,
    );
    assert.equal(rows[3].endsWith(','), true, 'a record without metadata has an empty cell');
  });
});

describe('audit metadata in a JSONL store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'osa-hooks-jsonl-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => resetInstrumentation());

  it('stores, reads back and filters metadata like the SQL store', async () => {
    const { Sequelize } = await import('sequelize');
    const sequelize = new Sequelize({ dialect: 'sqlite', storage: ':memory:', logging: false });
    const models = await defineModels(sequelize);
    const app = new AuditedApp(new JsonlAuditStore({ path: join(dir, 'audit.jsonl') }));
    try {
      await ticketWorkload(models);
      await app.flush();
      const trail = new AuditTrail(app.store);
      const found = await trail.changes({ metadata: { ticket: 'OPS-12', attempt: '2' } });
      assert.deepEqual(
        found.records.map((record) => record.metadata),
        [OPS_12, OPS_12],
      );
      assert.equal(await trail.count({ metadata: { ticket: 'OPS-13' } }), 1);
      assert.deepEqual(await verifyChains(app.store), { ok: true, streams: 1, records: 4 });
    } finally {
      await app.stop();
      await sequelize.close();
    }
  });
});

describe('audit metadata in an OTLP logs store', () => {
  afterEach(() => resetInstrumentation());

  it('sends the metadata inside the record body of each log record', async () => {
    const { Sequelize } = await import('sequelize');
    const sequelize = new Sequelize({ dialect: 'sqlite', storage: ':memory:', logging: false });
    const models = await defineModels(sequelize);
    const exporter = new InMemoryLogRecordExporter();
    const app = new AuditedApp(new OtlpLogAuditStore({ exporter }));
    try {
      await ticketWorkload(models);
      await app.flush();
      const bodies = exporter
        .getFinishedLogRecords()
        .filter((log) => log.eventName === 'audit.record')
        .map((log) => JSON.parse(String(log.body)) as AuditRecord);
      assert.deepEqual(
        bodies.map((body) => body.metadata),
        [OPS_12, OPS_12, { ticket: 'OPS-13' }, undefined],
      );
    } finally {
      await app.stop();
      await sequelize.close();
    }
  });
});
