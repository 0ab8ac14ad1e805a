import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import type { Sequelize } from 'sequelize';
import { AuditSpanProcessor, AuditTrail, JsonlAuditStore, OtlpLogAuditStore } from '../../src';
import { describeEachDialect } from '../support/dialects';
import { configureInstrumentation, metricReader, resetInstrumentation } from '../support/setup';
import { installProvider, tempDirectory } from '../processor/support/harness';
import { DiagWarnings } from '../audit/support/fallback-metrics';
import { ALICE_VALUES, MASTER_KEY, runPeopleWorkload } from './support/people-workload';

async function unresolvedCount(): Promise<number> {
  const { resourceMetrics } = await metricReader.collect();
  let total = 0;
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      if (metric.descriptor.name !== 'audit.personal.subject_unresolved') continue;
      for (const point of metric.dataPoints)
        if (typeof point.value === 'number') total += point.value;
    }
  }
  return total;
}

describeEachDialect('personal fields at capture', (db) => {
  let sequelize: Sequelize;
  const spool = tempDirectory('osa-personal-');
  const warnings = new DiagWarnings();
  before(() => {
    sequelize = db.connect();
    warnings.install();
  });
  after(async () => {
    warnings.uninstall();
    resetInstrumentation();
    spool.remove();
  });

  it('a subject resolver that throws never breaks the write: the values are masked, counted and told', async () => {
    configureInstrumentation({
      audit: {
        models: {
          Patient: {
            personal: ['name'],
            subject: () => {
              throw new Error('no subject here');
            },
          },
        },
      },
    });
    const Patient = sequelize.define(
      'Patient',
      { name: db.DataTypes.STRING, ward: db.DataTypes.STRING },
      { tableName: 'patients' },
    );
    await Patient.sync({ force: true });
    const dir = mkdtempSync(join(tmpdir(), 'osa-personal-store-'));
    const store = new JsonlAuditStore({ path: join(dir, 'audit.jsonl') });
    const processor = new AuditSpanProcessor({
      store,
      spool: { directory: spool.path },
      closeStoreOnShutdown: false,
    });
    const provider = installProvider(processor);
    const counted = await unresolvedCount();
    try {
      const created = await Patient.create({ name: 'Carol Patient', ward: 'B' });
      assert.equal(created.get('name'), 'Carol Patient');
      await processor.forceFlush();
      const [record] = await store.find({ table: 'patients' });
      assert.deepEqual(
        [record.after?.name, record.after?.ward, record.subjectId],
        ['[REDACTED]', 'B', undefined],
      );
      assert.deepEqual(record.personalFields, ['name']);
      assert.equal((await unresolvedCount()) - counted, 1);
      assert.equal(warnings.about('data subject of a "patients" record is unknown').length, 1);
      assert.ok(!readFileSync(join(dir, 'audit.jsonl'), 'utf8').includes('Carol'));
    } finally {
      provider.restore();
      await processor.shutdown();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('encryption with the JSONL store and the OTLP-logs store', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'osa-jsonl-erase-'));
  });
  afterEach(() => {
    resetInstrumentation();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the subject keys in a sidecar file, and erases through it', async function () {
    this.timeout(30_000);
    const { Sequelize: SequelizeClass } = await import('sequelize');
    const app = new SequelizeClass({ dialect: 'sqlite', storage: ':memory:', logging: false });
    const store = new JsonlAuditStore({ path: join(dir, 'audit.jsonl') });
    try {
      await runPeopleWorkload(app, store, join(dir, 'spool'));
      const trail = new AuditTrail(store, { encryption: { masterKey: MASTER_KEY } });
      assert.equal((await trail.asOf('users', 1, new Date()))?.email, 'alice@wonderland.example');
      const result = await trail.erase('1');
      assert.equal(result.keysDestroyed.length, 1);
      assert.equal((await trail.asOf('users', 1, new Date()))?.email, '[ERASED]');
      assert.equal((await trail.verify()).ok, true);
      const files =
        readFileSync(join(dir, 'audit.jsonl'), 'utf8') +
        readFileSync(join(dir, 'audit.jsonl.keys.json'), 'utf8');
      for (const value of ALICE_VALUES) assert.ok(!files.includes(value), value);
      const keys = JSON.parse(readFileSync(join(dir, 'audit.jsonl.keys.json'), 'utf8')) as Array<{
        subjectId: string;
        wrappedKey: string | null;
      }>;
      assert.deepEqual(
        keys.filter((k) => k.subjectId === '1').map((k) => k.wrappedKey),
        [null],
      );
      assert.equal(keys.filter((k) => k.subjectId === '2' && k.wrappedKey !== null).length, 1);
    } finally {
      await store.close();
      await app.close();
    }
  });

  it('with a wrong master key, stores nothing of the batch (never in clear) and says why', async function () {
    this.timeout(30_000);
    const { Sequelize: SequelizeClass } = await import('sequelize');
    const app = new SequelizeClass({ dialect: 'sqlite', storage: ':memory:', logging: false });
    const store = new JsonlAuditStore({ path: join(dir, 'audit.jsonl') });
    const warnings = new DiagWarnings().install();
    try {
      await runPeopleWorkload(app, store, join(dir, 'spool'));
      const before = await store.count();
      const processor = new AuditSpanProcessor({
        store,
        streamId: 'wrong-key',
        closeStoreOnShutdown: false,
        flushOnExit: false,
        spool: { directory: join(dir, 'spool-2') },
        shutdownTimeoutMillis: 2000,
        encryption: { masterKey: 'a different master key, 32 bytes' },
      });
      const provider = installProvider(processor);
      try {
        const User = app.models.User;
        await User.update({ name: 'Bob B.' }, { where: { id: 2 } });
        await processor.forceFlush();
        assert.equal(await store.count(), before);
        assert.ok(!readFileSync(join(dir, 'audit.jsonl'), 'utf8').includes('Bob B.'));
        assert.ok(warnings.about('is not the one that wrapped the subject keys').length > 0);
      } finally {
        provider.restore();
        await processor.shutdown();
      }
    } finally {
      warnings.uninstall();
      await store.close();
      await app.close();
    }
  });

  it('refuses encryption on the OTLP-logs store without a key store, saying what to do', () => {
    const store = new OtlpLogAuditStore({ exporter: new InMemoryLogRecordExporter() });
    assert.throws(
      () =>
        new AuditSpanProcessor({
          store,
          encryption: { masterKey: MASTER_KEY },
          flushOnExit: false,
        }),
      /keeps no subject keys.*encryption: \{ keyStore: new SqlAuditStore/,
    );
  });

  it('refuses encryption without a master key or key provider, and with transactional durability', () => {
    const store = new JsonlAuditStore({ path: join(dir, 'x.jsonl') });
    assert.throws(
      () => new AuditSpanProcessor({ store, encryption: {}, flushOnExit: false }),
      /needs a `masterKey` or a `keyProvider`/,
    );
    assert.throws(
      () =>
        new AuditSpanProcessor({
          store,
          durability: 'transactional',
          encryption: { masterKey: MASTER_KEY },
          flushOnExit: false,
        }),
      /does not work with durability 'transactional'/,
    );
  });
});
