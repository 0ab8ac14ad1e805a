import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openAuditStore, AuditTrail } from '../../src';
import { OtlpReceiver } from '../e2e/support/otlp-receiver';
import { REPO_ROOT } from './support/example-process';
import { ScratchApp, ensureBuilt } from './support/scratch-app';

const JEST = join(REPO_ROOT, 'node_modules', 'jest', 'bin', 'jest.js');

describe('examples/jest: instrument() where require hooks do not reach', function () {
  this.timeout(120_000);
  let receiver: OtlpReceiver;
  let app: ScratchApp;

  before(async () => {
    ensureBuilt();
    receiver = await OtlpReceiver.start();
    app = ScratchApp.create('examples/jest', 'osa-jest-');
  });
  after(async () => {
    await receiver.close();
    app.remove();
  });

  it('traces and audits the Sequelize calls of a real Jest run through its setup file', async () => {
    const run = await app.run([JEST, '--ci', '--colors=false'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_SERVICE_NAME: 'jest-example',
      // the OTLP exporters load their HTTP agent with a dynamic import, which Jest runs only so
      NODE_OPTIONS: '--experimental-vm-modules',
    });
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stderr, /1 passed/);

    const names = receiver.spans().map((span) => span.name);
    for (const name of ['INSERT users', 'UPDATE users', 'audit UPDATE users']) {
      assert.ok(names.includes(name), `${name} not in ${names.join(', ')}`);
    }
    const store = await openAuditStore(`jsonl:${app.path('audit.jsonl')}`);
    try {
      const { records } = await new AuditTrail(store).changes({});
      assert.deepEqual(
        records.map((record) => [record.operation, record.actor?.id]),
        [
          // The test's sync() creates its table: a schema record.
          ['schema', undefined],
          ['insert', 'jest'],
          ['update', 'jest'],
        ],
      );
    } finally {
      await store.close();
    }
  });
});
