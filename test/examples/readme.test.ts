import assert from 'node:assert/strict';
import { join } from 'node:path';
import { OtlpReceiver } from '../e2e/support/otlp-receiver';
import { REPO_ROOT } from './support/example-process';
import { SKIP_MARKER, codeBlocks } from './support/readme-blocks';
import type { CodeBlock } from './support/readme-blocks';
import { ScratchApp, ensureBuilt } from './support/scratch-app';

const README = join(REPO_ROOT, 'README.md');
const PROGRAM_LANGS = new Set(['js', 'cjs', 'mjs', 'ts']);

/** The file a block runs as: TypeScript under tsx, JavaScript as CommonJS or ESM by its syntax. */
function fileFor(block: CodeBlock): { file: string; nodeArgs: string[] } {
  if (block.lang === 'ts') return { file: 'block.ts', nodeArgs: ['--import', 'tsx'] };
  const esm = block.lang === 'mjs' || /^(import|export) /m.test(block.code);
  return { file: esm ? 'block.mjs' : 'block.cjs', nodeArgs: [] };
}

const EXPRESS_SERVER = `
const express = require('express');
const { DataTypes, Sequelize } = require('sequelize');
const sequelize = new Sequelize({ dialect: 'sqlite', storage: ':memory:', logging: false });
const Order = sequelize.define('order', { status: DataTypes.STRING });
const app = express();
app.post('/orders', async (req, res) => res.status(201).json(await Order.create({ status: 'new' })));
sequelize.sync().then(() => {
  const server = app.listen(0, '127.0.0.1', () =>
    console.log('listening on http://127.0.0.1:' + server.address().port));
});
`;

describe('README.md code blocks', function () {
  this.timeout(120_000);
  let receiver: OtlpReceiver;
  const apps: ScratchApp[] = [];
  const blocks = codeBlocks(README).filter((block) => PROGRAM_LANGS.has(block.lang));

  before(async () => {
    ensureBuilt();
    receiver = await OtlpReceiver.start();
  });
  beforeEach(() => receiver.reset());
  after(async () => {
    await receiver.close();
    for (const app of apps) app.remove();
  });

  function scratch(): ScratchApp {
    const app = ScratchApp.empty('osa-readme-');
    apps.push(app);
    return app;
  }

  it(`has program blocks, each runnable or marked ${SKIP_MARKER}`, () => {
    assert.ok(
      blocks.some((block) => !block.skipped),
      'no runnable block found',
    );
  });

  for (const block of blocks.filter((candidate) => !candidate.skipped)) {
    it(`runs the ${block.lang} block at README.md:${block.line} (${block.heading})`, async () => {
      const app = scratch();
      const { file, nodeArgs } = fileFor(block);
      app.write(file, block.code);
      const run = await app.run([...nodeArgs, file], {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      });
      assert.equal(run.code, 0, `README.md:${block.line} exited ${run.code}:\n${run.stderr}`);
    });
  }

  it('the Setup telemetry file traces a request under its HTTP span, and its SIGTERM line ends an Express server', async () => {
    const telemetry = blocks.find((block) => block.code.includes("process.once('SIGTERM'"));
    assert.ok(telemetry, 'no block with the SIGTERM advice');
    const app = scratch();
    app.write('telemetry.js', telemetry.code);
    app.write('server.js', EXPRESS_SERVER);
    const server = app.start(['--require', './telemetry.js', 'server.js'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      AUDIT_STORE_URL: `sqlite:${app.path('audit.sqlite')}`,
    });
    try {
      const [, base] = await server.waitForOutput(/listening on (http:\/\/\S+)/);
      assert.equal((await fetch(`${base}/orders`, { method: 'POST' })).status, 201);
      server.signal('SIGTERM');
      const run = await server.exited;
      assert.equal(run.code, 0, `the server did not end on SIGTERM: ${run.signal} ${run.stderr}`);
    } finally {
      server.kill();
    }
    const spans = receiver.spans();
    const insert = spans.find((span) => span.name === 'INSERT orders');
    const http = spans.find((span) => span.kind === 'SPAN_KIND_SERVER' || span.kind === 'SERVER');
    assert.ok(insert && http, spans.map((span) => `${span.name} ${span.kind}`).join(', '));
    assert.equal(insert.traceId, http.traceId, 'the query is not in the request trace');
  });
});
