import assert from 'node:assert/strict';
import { OtlpReceiver } from '../e2e/support/otlp-receiver';
import { runExample } from './support/example-process';
import type { ExampleRun } from './support/example-process';

const DEMO = 'examples/demo/main.ts';

/** The lines of one numbered section of the demo's output. */
function section(stdout: string, number: 1 | 2 | 3): string {
  const start = stdout.indexOf(`${number}. `);
  const end = stdout.indexOf(`${number + 1}. `, start);
  assert.ok(start >= 0, `section ${number} missing from:\n${stdout}`);
  return stdout.slice(start, end > 0 ? end : undefined);
}

describe('npm run demo (examples/demo)', function () {
  this.timeout(120_000);
  let run: ExampleRun;

  before(async () => {
    run = await runExample(DEMO);
  });

  it('exits with 0 and prints the span tree, the history and the verify result', () => {
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /1\. Span tree of one request/);
    assert.match(run.stdout, /2\. History of products#\d+ from the audit store/);
    assert.match(run.stdout, /3\. verify\(\)/);
  });

  it('prints the checkout request with its transaction, ORM, query and audit spans', () => {
    const tree = section(run.stdout, 1);
    assert.match(tree, /^ {2}POST \/checkout {2}SERVER/m);
    assert.match(tree, /transaction {2}INTERNAL {2}.*outcome=committed/);
    // Order.create issues one statement: its INSERT span is the whole call (no ORM span).
    assert.match(tree, /INSERT orders {2}CLIENT {2}INSERT INTO/);
    assert.match(tree, /audit INSERT orders {2}INTERNAL {2}insert orders#\d+ by bob/);
    assert.match(
      tree,
      /audit UPDATE products {2}INTERNAL {2}update products#\d+ by bob fields=\[stock, updatedAt\]/,
    );
  });

  it('prints sanitized SQL in the span tree: no customer name, no quantity', () => {
    const sql = section(run.stdout, 1)
      .split('\n')
      .filter((line) => line.includes('CLIENT'));
    assert.ok(sql.length > 0);
    for (const line of sql) assert.ok(!/'bob'|\b42\b/.test(line), line);
  });

  it("prints the product's history from insert to restore, with actors and values", () => {
    const history = section(run.stdout, 2);
    const operations = [...history.matchAll(/│ \d+\s+│ (\w+)/g)].map((m) => m[1]);
    assert.deepEqual(operations, ['insert', 'update', 'update', 'soft_delete', 'restore']);
    assert.match(history, /stock: 5 → 3/);
    assert.match(history, /priceCents: 4200 → 3500/);
    assert.match(history, /nightly-pricing \(job\)/);
    assert.match(history, /weekly price review/);
  });

  // Each table's count includes the schema record of its creation by sync().
  it('runs both actors, and the checkout that asked for too much rolls back unaudited', () => {
    assert.match(run.stdout, /bob +POST \/checkout +ordered 2 × BOOK-42/);
    assert.match(run.stdout, /carol +POST \/checkout +failed and rolled back: only 3 left/);
    assert.match(run.stdout, /nightly-pricing +price cap on books +2 prices lowered/);
    assert.match(section(run.stdout, 2), /Audit records per table: products 10, orders 2$/m);
  });

  it('reports intact hash chains, then the break after a stored record is edited', () => {
    const verify = section(run.stdout, 3);
    assert.match(verify, /OK {2}12 records in 1 stream\(s\), every hash chain intact/);
    assert.match(verify, /BROKEN .*first break: \S+ seq \d+: /);
  });

  it('also exports its spans when OTEL_EXPORTER_OTLP_ENDPOINT is set', async () => {
    const receiver = await OtlpReceiver.start();
    try {
      const exported = await runExample(DEMO, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
      assert.equal(exported.code, 0, exported.stderr);
      const spans = receiver.spans();
      assert.ok(spans.every((span) => span.serviceName === 'shop-demo'));
      assert.ok(spans.some((span) => span.name === 'POST /checkout'));
      assert.ok(spans.some((span) => span.name === 'audit UPDATE products'));
    } finally {
      await receiver.close();
    }
  });
});
