import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { AuditTrail, openAuditStore } from '../../src';
import type { AuditRecord } from '../../src';
import { OtlpReceiver } from '../e2e/support/otlp-receiver';
import { ScratchApp, ensureBuilt } from './support/scratch-app';

async function recordsIn(storeUrl: string): Promise<AuditRecord[]> {
  const store = await openAuditStore(storeUrl);
  try {
    return (await new AuditTrail(store).changes({})).records;
  } finally {
    await store.close();
  }
}

const FLAGS = {
  cjs: { example: 'examples/register-cjs', args: ['--require', 'otel-sequelize-audit/register'] },
  esm: { example: 'examples/register-esm', args: ['--import', 'otel-sequelize-audit/register'] },
};

describe('the one-flag start (otel-sequelize-audit/register)', function () {
  this.timeout(90_000);
  let receiver: OtlpReceiver;
  const apps: ScratchApp[] = [];

  before(async () => {
    ensureBuilt();
    receiver = await OtlpReceiver.start();
  });
  beforeEach(() => receiver.reset());
  after(async () => {
    await receiver.close();
    for (const app of apps) app.remove();
  });

  function scratch(kind: keyof typeof FLAGS): ScratchApp {
    const app = ScratchApp.create(FLAGS[kind].example, `osa-register-${kind}-`);
    apps.push(app);
    return app;
  }

  for (const kind of ['cjs', 'esm'] as const) {
    it(`traces and audits a ${kind.toUpperCase()} app started with ${FLAGS[kind].args.join(' ')} and no telemetry file`, async () => {
      const app = scratch(kind);
      const run = await app.run([...FLAGS[kind].args, 'app.js'], {
        OTEL_SERVICE_NAME: `register-${kind}`,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /users: 1/);

      const names = receiver.spans().map((span) => span.name);
      for (const name of [
        'INSERT users',
        'UPDATE users',
        'audit INSERT users',
        'audit UPDATE users',
      ]) {
        assert.ok(names.includes(name), `${name} not in ${names.join(', ')}`);
      }
      assert.ok(receiver.spans().every((span) => span.serviceName === `register-${kind}`));

      // No AUDIT_STORE_URL: a SQLite file in the working directory.
      assert.ok(existsSync(app.path('audit.sqlite')), 'no audit.sqlite in the working directory');
      const records = await recordsIn(`sqlite:${app.path('audit.sqlite')}`);
      assert.deepEqual(
        records.map((record) => [record.operation, record.actor?.id]),
        [
          // The app's sync() creates its table: a schema record, before any actor is set.
          ['schema', undefined],
          ['insert', 'alice'],
          ['update', 'alice'],
        ],
      );
      assert.ok(!JSON.stringify(records).includes('hunter2'), 'the password was not redacted');
    });
  }

  it('applies AUDIT_STORE_URL and AUDIT_REDACT with a /pattern/flags entry', async () => {
    const app = scratch('esm');
    const run = await app.run([...FLAGS.esm.args, 'app.js'], {
      OTEL_TRACES_EXPORTER: 'none',
      AUDIT_STORE_URL: 'jsonl:trail/audit.jsonl',
      AUDIT_REDACT: '/^e.ail$/i',
    });
    assert.equal(run.code, 0, run.stderr);
    const records = await recordsIn(`jsonl:${app.path('trail', 'audit.jsonl')}`);
    assert.deepEqual(
      records.map((record) => record.operation),
      ['schema', 'insert', 'update'],
    );
    assert.ok(!JSON.stringify(records).includes('alice@example'), JSON.stringify(records));
  });

  it('prints one line naming the variable and value of a bad configuration and runs the app without audit', async () => {
    const app = scratch('cjs');
    const run = await app.run([...FLAGS.cjs.args, 'app.js'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      AUDIT_REDACT: 'ssn,/[unclosed/',
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /users: 1/);
    const lines = run.stderr.trim().split('\n');
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0], /AUDIT_REDACT="ssn,\/\[unclosed\/" has an unreadable pattern/);
    assert.match(lines[0], /starting WITHOUT audit/);
    assert.ok(!existsSync(app.path('audit.sqlite')), 'an audit store was opened');
    const names = receiver.spans().map((span) => span.name);
    assert.ok(names.includes('INSERT users'), 'tracing should still run');
    assert.ok(!names.some((name) => name.startsWith('audit ')), names.join(', '));
  });

  it('refuses to start on a bad configuration when AUDIT_REQUIRED=true', async () => {
    const app = scratch('cjs');
    const run = await app.run([...FLAGS.cjs.args, 'app.js'], {
      OTEL_TRACES_EXPORTER: 'none',
      AUDIT_REQUIRED: 'true',
      AUDIT_STORE_URL: 'redis://127.0.0.1:6379',
    });
    assert.equal(run.code, 1);
    assert.doesNotMatch(run.stdout, /users:/);
    assert.match(run.stderr, /AUDIT_STORE_URL="redis:\/\/127\.0\.0\.1:6379" has an unknown scheme/);
    assert.match(run.stderr, /not starting, since AUDIT_REQUIRED=true/);
  });

  it('leaves Sequelize alone when OTEL_NODE_DISABLED_INSTRUMENTATIONS names sequelize-audit', async () => {
    const app = scratch('cjs');
    const run = await app.run([...FLAGS.cjs.args, 'app.js'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'sequelize-audit',
      AUDIT_STORE_URL: 'jsonl:audit.jsonl',
    });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(
      receiver.spans().filter((span) => span.scope === 'otel-sequelize-audit'),
      [],
    );
    assert.deepEqual(await recordsIn(`jsonl:${app.path('audit.jsonl')}`), []);
  });

  it('does nothing at all with OTEL_SDK_DISABLED=true', async () => {
    const app = scratch('cjs');
    const run = await app.run([...FLAGS.cjs.args, 'app.js'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_SDK_DISABLED: 'true',
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /users: 1/);
    assert.equal(receiver.spans().length, 0);
    assert.ok(!existsSync(app.path('audit.sqlite')));
  });

  it('flushes spans and records on SIGTERM and then ends an Express server that has no handler of its own', async () => {
    const app = scratch('cjs');
    const server = app.start([...FLAGS.cjs.args, 'server.js'], {
      PORT: '0',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      // Flushes only when told to: the records must come from the shutdown.
      AUDIT_FLUSH_INTERVAL_MS: '600000',
      OTEL_BSP_SCHEDULE_DELAY: '600000',
    });
    try {
      const [, base] = await server.waitForOutput(/listening on (http:\/\/\S+)/);
      const response = await fetch(`${base}/users/bob@example.org`, {
        method: 'POST',
        headers: { 'x-user-id': 'bob' },
      });
      assert.equal(response.status, 201);
      server.signal('SIGTERM');
      const run = await server.exited;
      assert.equal(run.signal, 'SIGTERM', `${run.code} ${run.stderr}`);
    } finally {
      server.kill();
    }
    const records = await recordsIn(`sqlite:${app.path('audit.sqlite')}`);
    assert.deepEqual(
      records.map((record) => [record.operation, record.actor?.id]),
      [
        ['schema', undefined],
        ['insert', 'bob'],
      ],
    );
    assert.ok(receiver.spans().some((span) => span.name === 'INSERT users'));
  });
});
