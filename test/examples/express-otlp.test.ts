import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OtlpReceiver } from '../e2e/support/otlp-receiver';
import { ExampleProcess } from './support/example-process';

interface HistoryEntry {
  version: number;
  operation: string;
  actor?: { id: string; type?: string };
  changes: Array<{ field: string; from: unknown; to: unknown }>;
}

async function send(url: string, method: string, user: string, body?: unknown): Promise<Response> {
  return fetch(url, {
    method,
    headers: { 'content-type': 'application/json', 'x-user-id': user },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** The history endpoint reads the store, which the processor fills in batches: ask until complete. */
async function historyWith(url: string, versions: number): Promise<HistoryEntry[]> {
  let history: HistoryEntry[] = [];
  for (let attempt = 0; attempt < 100 && history.length < versions; attempt += 1) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    history = (await (await send(url, 'GET', 'auditor')).json()) as HistoryEntry[];
  }
  return history;
}

describe('examples/express-otlp', function () {
  this.timeout(60_000);
  let receiver: OtlpReceiver;
  let dir: string;
  let app: ExampleProcess | undefined;

  before(async () => {
    receiver = await OtlpReceiver.start();
    dir = mkdtempSync(join(tmpdir(), 'osa-express-'));
  });

  after(async () => {
    app?.kill();
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('audits each change with the actor of its request, serves the history and stops cleanly', async () => {
    app = ExampleProcess.start('examples/express-otlp/main.ts', {
      PORT: '0',
      DATABASE_URL: `sqlite:${join(dir, 'shop.sqlite')}`,
      AUDIT_STORE_URL: `sqlite:${join(dir, 'audit.sqlite')}`,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    });
    const [, base] = await app.waitForOutput(/listening on (http:\/\/\S+)/);
    const product = { sku: 'TEA-1', name: 'Green tea', priceCents: 800 };
    const created = await send(`${base}/products`, 'POST', 'alice', product);
    assert.equal(created.status, 201);
    const { id } = (await created.json()) as { id: number };
    assert.equal(
      (await send(`${base}/products/${id}`, 'PATCH', 'bob', { priceCents: 900 })).status,
      200,
    );
    assert.equal((await send(`${base}/products/${id}`, 'DELETE', 'carol')).status, 204);
    assert.equal((await send(`${base}/products/${id}/restore`, 'POST', 'alice')).status, 200);
    assert.equal(
      (await send(`${base}/products/999`, 'PATCH', 'bob', { priceCents: 1 })).status,
      404,
    );

    const history = await historyWith(`${base}/products/${id}/history`, 4);
    assert.deepEqual(
      history.map((entry) => [entry.operation, entry.actor?.id]),
      [
        ['insert', 'alice'],
        ['update', 'bob'],
        ['soft_delete', 'carol'],
        ['restore', 'alice'],
      ],
    );
    assert.deepEqual(
      history[1].changes.find((change) => change.field === 'priceCents'),
      { field: 'priceCents', from: 800, to: 900 },
    );

    const run = await app.stop();
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /shop-api stopped/);
  });
});
