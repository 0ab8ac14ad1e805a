import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEachStoreDialect } from './support/store-dialects';
import { fillCliStore } from './support/cli-store';
import type { CliStore } from './support/cli-store';
import { runCli } from './support/run-cli';
import type { CliResult } from './support/run-cli';

/** Asserts a failure reported as exactly one line on stderr, nothing on stdout. */
function assertFailure(result: CliResult, code: number, message: RegExp): void {
  assert.equal(result.code, code, `exit code; stderr: ${result.stderr}`);
  assert.equal(result.stdout, '');
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${result.stderr}`);
  assert.match(lines[0], /^otel-sequelize-audit: /);
  assert.match(lines[0], message);
}

describe('CLI bad input without a store', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'osa-cli-bad-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('asks for a store when neither --store nor AUDIT_STORE_URL is given', async () => {
    assertFailure(
      await runCli(['history', 'orders', '42']),
      2,
      /no audit store given: pass --store URL or set AUDIT_STORE_URL/,
    );
  });

  it('names the accepted forms of a store URL it does not support', async () => {
    assertFailure(
      await runCli(['history', 'orders', '42'], { AUDIT_STORE_URL: 'redis://cache:6379' }),
      2,
      /"redis:\/\/cache:6379" is not supported; use sqlite:FILE, postgres/,
    );
  });

  it('exits 2 when a SQLite or JSONL store file does not exist, and creates nothing', async () => {
    const missing = join(dir, 'nope.sqlite');
    assertFailure(
      await runCli(['--store', `sqlite:${missing}`, 'verify']),
      2,
      /the audit file "nope\.sqlite" does not exist \(its directory has no files\); check the name, or run "otel-sequelize-audit migrate"/,
    );
    assertFailure(
      await runCli(['--store', `jsonl:${join(dir, 'nope.jsonl')}`, 'tail']),
      2,
      /the audit file "nope\.jsonl" does not exist/,
    );
    assertFailure(
      await runCli(['--store', `sqlite:${missing}`, 'prune', '--before', '2020-01-01']),
      2,
      /the audit file "nope\.sqlite" does not exist/,
    );
    assert.deepEqual(readdirSync(dir), []);
  });

  it('exits 3 when a database server cannot be reached, without printing the password', async () => {
    const result = await runCli([
      '--store',
      'postgres://audit:hunter2@127.0.0.1:1/audit',
      'verify',
    ]);
    assertFailure(
      result,
      3,
      /cannot reach the audit store postgres:\/\/audit:\*\*\*@127\.0\.0\.1:1\/audit: /,
    );
    assert.doesNotMatch(result.stderr, /hunter2/);
    assertFailure(
      await runCli(['--store', 'mariadb://root@127.0.0.1:1/test', 'changes']),
      3,
      /cannot reach the audit store mariadb:\/\/root@127\.0\.0\.1:1\/test: /,
    );
  });

  it('rejects malformed dates, impossible dates, unknown operations and commands with exit 2', async () => {
    const store = { AUDIT_STORE_URL: `sqlite:${join(dir, 'never-opened.sqlite')}` };
    const cases: Array<[string[], RegExp]> = [
      [
        ['changes', '--since', 'yesterdayish'],
        /"yesterdayish" is not a date: use ISO 8601 \(2026-11-27, 2026-11-27T22:00:00Z\) or a duration ago/,
      ],
      [['prune', '--before', '2026-02-30'], /"2026-02-30" is not a date/],
      [['diff', 'orders', '42', '1', 'soon'], /"soon" is neither a version number/],
      [
        ['changes', '--operation', 'upsert'],
        /argument 'upsert' is invalid\. Allowed choices are insert, update, delete, soft_delete, restore/,
      ],
      [
        ['prune'],
        /prune: say what may go: --retention table=duration \(or AUDIT_RETENTION\) and\/or --before DATE/,
      ],
      [['histroy', 'orders', '42'], /unknown command 'histroy' \(Did you mean history\?\)$/],
      [
        ['--trace-url', 'http://jaeger/trace', 'history', 'orders', '42'],
        /--trace-url "http:\/\/jaeger\/trace" has no \{traceId\} placeholder/,
      ],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli(args, store)));
    results.forEach((result, i) => assertFailure(result, 2, cases[i][1]));
    assert.deepEqual(readdirSync(dir), []);
  });
});

describeEachStoreDialect('CLI bad input against a filled store', (db) => {
  let store: CliStore;
  before(async function () {
    this.timeout(60_000);
    store = await fillCliStore(db, 'sql', 'audit_bad_input');
  });
  after(() => store?.cleanUp());

  it('exits 2 on an unknown table, in any command that names one', async () => {
    assertFailure(
      await store.cli('history', 'ordres', '42'),
      2,
      /unknown table "ordres": the audit trail has no records for it/,
    );
    assertFailure(await store.cli('changes', '--table', 'ordres'), 2, /unknown table "ordres"/);
  });

  it('exits 2 on a row the trail has never seen', async () => {
    assertFailure(await store.cli('show', 'orders', '999'), 2, /no audit records for orders#999/);
  });

  it('exits 2 on a version the row does not have', async () => {
    assertFailure(
      await store.cli('diff', 'orders', '42', '1', '9'),
      2,
      /orders#42 has 5 versions in the audit trail; there is no version 9/,
    );
  });

  it('exits 2 on a malformed composite key and on a page token it did not issue', async () => {
    assertFailure(
      await store.cli('history', 'order_lines', '{orderId:42'),
      2,
      /looks like a composite key but is not valid JSON/,
    );
    assertFailure(
      await store.cli('history', 'orders', '42', '--page-token', 'garbage'),
      2,
      /Invalid page token "garbage"/,
    );
  });
});
