import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openAuditStore } from '../../src/store/open-store';
import { tempDirectory } from '../processor/support/harness';
import { makeChain } from '../store/support/events';
import type { DialectFixture } from '../support/dialects';
import { fillCliStore, withTable } from './support/cli-store';
import type { CliStore } from './support/cli-store';
import { runCli } from './support/run-cli';
import { describeEachStoreDialect } from './support/store-dialects';

/** Every read command, with arguments that exist in the shop workload's trail. */
const READ_COMMANDS: string[][] = [
  ['verify'],
  ['history', 'orders', '42'],
  ['show', 'orders', '42'],
  ['diff', 'orders', '42', '1', '2'],
  ['changes'],
  ['export'],
  ['tail'],
  ['who-changed', 'orders', '42', 'status'],
  ['revert', 'orders', '42', '1'],
];

async function tablesOf(db: DialectFixture): Promise<string[]> {
  const names = (await db.connect().getQueryInterface().showAllTables()) as unknown[];
  return names.map((n) => (typeof n === 'string' ? n : (n as { tableName: string }).tableName));
}

describeEachStoreDialect('CLI read commands never create', (db) => {
  let store: CliStore;
  before(async function () {
    this.timeout(240_000);
    store = await fillCliStore(db, 'sql', 'audit_ro_cli');
  });
  after(() => store?.cleanUp());

  it('exits 2 on a missing table in every read command, naming it and the tables that exist, and creates nothing', async function () {
    this.timeout(240_000);
    const url = withTable(db.url, 'nope');
    const results = await Promise.all(
      READ_COMMANDS.map((args) => runCli(['--store', url, ...args])),
    );
    results.forEach((result, i) => {
      assert.equal(result.code, 2, `${READ_COMMANDS[i].join(' ')}: ${result.stderr}`);
      assert.match(
        result.stderr,
        /the audit table "nope" does not exist \(tables in the database: [^)]*audit_ro_cli[^)]*\)/,
      );
    });
    const tables = await tablesOf(db);
    assert.ok(!tables.includes('nope') && !tables.includes('nope_checkpoints'), tables.join());
  });

  it('suggests the stored table for a table name in the wrong case or misspelt', async function () {
    this.timeout(240_000);
    const wrongCase = await store.cli('history', 'Orders', '42');
    const caseInsensitive = db.name === 'mariadb'; // its default collation ignores case
    assert.equal(wrongCase.code, caseInsensitive ? 0 : 2, wrongCase.stderr);
    if (!caseInsensitive) {
      assert.match(
        wrongCase.stderr,
        /unknown table "Orders": the audit trail has no records for it; did you mean "orders"\? \(tables in the trail: order_lines, orders, users\)/,
      );
    }
    const misspelt = await store.cli('changes', '--table', 'ordres');
    assert.match(misspelt.stderr, /did you mean "orders"\?/);
    const table = await runCli(['--store', withTable(db.url, 'Audit_RO_cli'), 'verify']);
    if (db.name === 'sqlite') {
      // SQLite matches table names in any case: the trail is found.
      assert.equal(table.code, 0, table.stderr);
    } else {
      assert.equal(table.code, 2, `${table.stdout}${table.stderr}`);
      assert.match(table.stderr, /did you mean "audit_ro_cli"\?/);
    }
  });

  if (db.name === 'sqlite') {
    it('leaves the SQLite file byte for byte as it was', async function () {
      this.timeout(240_000);
      const file = db.url.slice('sqlite:'.length);
      const digest = () => createHash('sha256').update(readFileSync(file)).digest('hex');
      const before = digest();
      const results = await Promise.all(READ_COMMANDS.map((args) => store.cli(...args)));
      results.forEach((result, i) => {
        assert.equal(result.code, 0, `${READ_COMMANDS[i].join(' ')}: ${result.stderr}`);
      });
      assert.equal(digest(), before);
    });
  }
});

describeEachStoreDialect('CLI on an empty trail', (db) => {
  it('verify, changes and export exit 2 saying the trail is empty, never "ok"', async function () {
    this.timeout(240_000);
    const url = withTable(db.url, 'audit_empty');
    assert.equal((await runCli(['--store', url, 'migrate'])).code, 0);
    for (const command of ['verify', 'changes', 'export']) {
      const result = await runCli(['--store', url, command]);
      assert.equal(result.code, 2, `${command}: ${result.stderr}`);
      assert.match(result.stderr, /the audit trail in sql:audit_empty is empty/);
      assert.doesNotMatch(result.stdout, /ok/);
    }
  });
});

describe('CLI read commands on JSONL files', () => {
  const directory = tempDirectory('osa-cli-ro-jsonl-');
  after(() => directory.remove());

  it('exit 2 on a missing file in every read command, suggesting the trail beside it, and create nothing', async function () {
    this.timeout(240_000);
    const writer = await openAuditStore(`jsonl:${join(directory.path, 'audit.jsonl')}`);
    await writer.append(makeChain('s', 2));
    await writer.close();
    const before = readdirSync(directory.path).sort();
    const url = `jsonl:${join(directory.path, 'audti.jsonl')}`;
    const results = await Promise.all(
      READ_COMMANDS.map((args) => runCli(['--store', url, ...args])),
    );
    results.forEach((result, i) => {
      assert.equal(result.code, 2, `${READ_COMMANDS[i].join(' ')}: ${result.stderr}`);
      assert.match(
        result.stderr,
        /the audit file "audti\.jsonl" does not exist \(files in its directory: audit\.jsonl\); did you mean "audit\.jsonl"\?/,
      );
    });
    writeFileSync(join(directory.path, 'empty.jsonl'), '');
    const empty = await runCli([
      '--store',
      `jsonl:${join(directory.path, 'empty.jsonl')}`,
      'verify',
    ]);
    assert.equal(empty.code, 2, empty.stderr);
    assert.match(empty.stderr, /is empty/);
    assert.deepEqual(readdirSync(directory.path).sort(), [...before, 'empty.jsonl'].sort());
  });
});

describe('CLI help and setup errors', () => {
  it("shows --store in every subcommand's --help", async function () {
    this.timeout(240_000);
    const top = await runCli(['--help']);
    const commands = top.stdout.slice(top.stdout.indexOf('Commands:'));
    const names = [...commands.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)]
      .map((m) => m[1])
      .filter((name) => name !== 'help');
    assert.ok(names.length >= 11, names.join());
    const helps = await Promise.all(names.map((name) => runCli([name, '--help'])));
    helps.forEach((help, i) => {
      assert.equal(help.code, 0, names[i]);
      assert.match(help.stdout, /--store <url>/, `${names[i]} --help:\n${help.stdout}`);
    });
  });

  it('names the npm packages to install when the database driver is missing', async () => {
    const preload = join(__dirname, 'support', 'hide-module.cjs');
    const result = await runCli(['--store', 'postgres://postgres@127.0.0.1:5432/test', 'verify'], {
      NODE_OPTIONS: `--require ${preload}`,
      HIDE_MODULE: 'pg',
    });
    assert.equal(result.code, 3, result.stderr);
    assert.match(
      result.stderr,
      /the postgres driver is not installed: run "npm install pg pg-hstore"/,
    );
  });
});
