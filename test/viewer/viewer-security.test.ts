import { strict as assert } from 'node:assert';
import { AuditTrail } from '../../src/query/audit-trail';
import type { AuditStore } from '../../src/store/audit-store';
import { openViewerStore } from '../../src/viewer/open-viewer-store';
import { startViewer } from '../../src/viewer/start-viewer';
import type { RunningViewer } from '../../src/viewer/start-viewer';
import { resolveViewerOptions } from '../../src/viewer/viewer-options';
import { fillCliStore } from '../cli/support/cli-store';
import type { CliStore } from '../cli/support/cli-store';
import { CliProcess, runCli } from '../cli/support/run-cli';
import { describeEachStoreDialect } from '../cli/support/store-dialects';

const TOKEN = 'a-long-enough-viewer-token';

describeEachStoreDialect('viewer safety', (db) => {
  if (db.name !== 'sqlite') return; // store-independent: once is enough
  let filled: CliStore;
  let store: AuditStore;
  let open: RunningViewer;
  let guarded: RunningViewer;
  before(async function () {
    this.timeout(120_000);
    filled = await fillCliStore(db, 'sql');
    store = await openViewerStore(filled.url);
    open = await startViewer(new AuditTrail(store), { port: 0 });
    guarded = await startViewer(new AuditTrail(store), { port: 0, authToken: TOKEN });
  });
  after(async () => {
    await open?.close();
    await guarded?.close();
    await store?.close();
    filled?.cleanUp();
  });

  it('refuses to listen on a non-loopback interface without a token or basic auth', () => {
    assert.throws(
      () => resolveViewerOptions({ host: '0.0.0.0' }),
      /refusing to serve the audit trail on 0\.0\.0\.0 without authentication/,
    );
    assert.doesNotThrow(() => resolveViewerOptions({ host: '0.0.0.0', authToken: TOKEN }));
    assert.doesNotThrow(() =>
      resolveViewerOptions({ host: '0.0.0.0', basicAuth: 'auditor:long-password' }),
    );
    assert.throws(() => resolveViewerOptions({ authToken: 'short' }), /too short/);
  });

  it('refuses a trace URL template that is not http(s) or lacks {traceId}', () => {
    assert.throws(
      () => resolveViewerOptions({ traceUrl: 'javascript:alert({traceId})' }),
      /must be an http/,
    );
    assert.throws(
      () => resolveViewerOptions({ traceUrl: 'http://jaeger/trace/' }),
      /no \{traceId\}/,
    );
  });

  it('asks for the token when one is set and accepts it as a bearer token or a basic auth password', async () => {
    const none = await fetch(`${guarded.url}/api/verify`);
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Basic realm=/);
    assert.match(((await none.json()) as { error: string }).error, /authentication required/);
    const wrong = await fetch(`${guarded.url}/api/verify`, {
      headers: { authorization: `Bearer ${TOKEN}x` },
    });
    assert.equal(wrong.status, 401);
    const bearer = await fetch(`${guarded.url}/api/verify`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(bearer.status, 200);
    const basic = Buffer.from(`anyone:${TOKEN}`).toString('base64');
    const page = await fetch(`${guarded.url}/`, { headers: { authorization: `Basic ${basic}` } });
    assert.equal(page.status, 200);
  });

  it('answers without a token only to a loopback Host header (no DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${open.url}/api/verify`,
        { headers: { host: 'evil.example:4600' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject).end();
    });
    assert.equal(status, 421);
    assert.equal((await fetch(`${open.url}/api/verify`)).status, 200);
  });

  it('serves its script and stylesheet from the package, with security headers on every answer', async () => {
    const script = await fetch(`${open.url}/assets/viewer.js`);
    assert.equal(script.status, 200);
    assert.match(script.headers.get('content-type') ?? '', /javascript/);
    assert.match(await script.text(), /textContent/);
    const page = await fetch(`${open.url}/`);
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.doesNotMatch(await page.text(), /https?:\/\/(?!localhost)[^"']*\.(js|css)/);
  });

  it('opens a store read-only: a missing file or table is an error, never created', async () => {
    const missingFile = `${filled.url.replace(/\?.*$/, '')}.missing`;
    await assert.rejects(openViewerStore(missingFile), /does not exist/);
    await assert.rejects(openViewerStore(filled.url.replace(/table=\w+/, 'table=not_there')));
    const tables = await db.connect().getQueryInterface().showAllTables();
    assert.ok(!tables.includes('not_there'), `tables: ${tables.join(', ')}`);
  });

  it('runs as "serve": refuses 0.0.0.0 without a token, else prints its URL and stops on SIGTERM', async function () {
    this.timeout(60_000);
    const refused = await runCli(['--store', filled.url, 'serve', '--host', '0.0.0.0']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /without authentication: pass --auth-token/);
    const serve = new CliProcess(['--store', filled.url, 'serve', '--port', '0']);
    try {
      const [line] = await serve.waitForLines(1);
      const url = /at (http:\/\/127\.0\.0\.1:\d+)\//.exec(line)?.[1];
      assert.ok(url, line);
      assert.equal((await fetch(`${url}/api/verify`)).status, 200);
    } finally {
      assert.equal(await serve.stop(), 0);
    }
  });
});
