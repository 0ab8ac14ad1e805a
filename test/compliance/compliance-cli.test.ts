import assert from 'node:assert/strict';
import type { Sequelize } from 'sequelize';
import { openAuditStore } from '../../src/store/open-store';
import type { AuditStore } from '../../src/store/audit-store';
import { resetInstrumentation } from '../support/setup';
import { withTable } from '../cli/support/cli-store';
import { runCli } from '../cli/support/run-cli';
import { describeEachStoreDialect } from '../cli/support/store-dialects';
import { tempDirectory } from '../processor/support/harness';
import { JANUARY_2020, appendDated } from './support/dated-records';
import { MASTER_KEY, runPeopleWorkload } from './support/people-workload';

describeEachStoreDialect('CLI erase, hold and prune', (db) => {
  describe('on a trail with two people and dated sessions', () => {
    let app: Sequelize;
    let store: AuditStore;
    let url: string;
    let retentionUrl: string;
    const spool = tempDirectory('osa-compliance-cli-');
    before(async function () {
      this.timeout(60_000);
      app = db.connect();
      url = withTable(db.url, 'audit_cli_erase');
      retentionUrl = withTable(db.url, 'audit_cli_retention');
      store = await openAuditStore(url);
      await runPeopleWorkload(app, store, spool.path);
      const dated = await openAuditStore(retentionUrl);
      for (const [stream, changes] of Object.entries(JANUARY_2020)) {
        await appendDated(dated, stream, changes);
      }
      await dated.close();
    });
    after(async () => {
      resetInstrumentation();
      await store?.close();
      await app?.close();
      spool.remove();
    });

    it('erase --subject destroys the key (exit 0), verify stays OK, history shows [ERASED]', async function () {
      this.timeout(180_000);
      const erased = await runCli([
        'erase',
        '--subject',
        '1',
        '--reason',
        'request 7',
        '--store',
        url,
      ]);
      assert.equal(erased.code, 0, erased.stderr);
      assert.match(erased.stdout, /erased subject 1: 1 key\(s\) destroyed, 5 record\(s\)/);
      const verified = await runCli(['verify', '--store', url]);
      assert.equal(verified.code, 0, verified.stdout + verified.stderr);
      const env = { AUDIT_MASTER_KEY: MASTER_KEY };
      const alice = await runCli(['history', 'users', '1', '--json', '--store', url], env);
      assert.equal(alice.code, 0, alice.stderr);
      assert.ok(alice.stdout.includes('[ERASED]'));
      assert.ok(!alice.stdout.includes('alice@'));
      const bob = await runCli(['history', 'users', '2', '--json', '--store', url], env);
      assert.ok(bob.stdout.includes('bob@example.com'));
      const blind = await runCli(['history', 'users', '2', '--json', '--store', url]);
      assert.ok(blind.stdout.includes('[ENCRYPTED]') && !blind.stdout.includes('bob@example.com'));
    });

    it('a wrong AUDIT_MASTER_KEY is a clear error, never garbage', async function () {
      this.timeout(90_000);
      const wrong = await runCli(['history', 'users', '2', '--store', url], {
        AUDIT_MASTER_KEY: 'another master key of 32 bytes!!',
      });
      assert.notEqual(wrong.code, 0);
      assert.match(wrong.stderr, /is not the one that wrapped the subject keys/);
      assert.ok(!wrong.stdout.includes('bob@example.com'));
    });

    it('hold and prune --retention: dry run, held rows kept, exit codes for bad input', async function () {
      this.timeout(180_000);
      const past = await runCli([
        'hold',
        '--table',
        'sessions',
        '--record',
        '2',
        '--until',
        '2001-01-01',
        '--store',
        retentionUrl,
      ]);
      assert.equal(past.code, 2);
      const held = await runCli([
        'hold',
        '--table',
        'sessions',
        '--record',
        '2',
        '--until',
        '2100-01-01',
        '--store',
        retentionUrl,
      ]);
      assert.equal(held.code, 0, held.stderr);
      const dry = await runCli([
        'prune',
        '--retention',
        'sessions=90d',
        '--dry-run',
        '--store',
        retentionUrl,
      ]);
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, /would remove 3 records/);
      assert.match(dry.stdout, /1 expired records are kept by legal holds/);
      const pruned = await runCli(['prune', '--store', retentionUrl], {
        AUDIT_RETENTION: 'sessions=90d',
      });
      assert.equal(pruned.code, 0, pruned.stderr);
      assert.match(pruned.stdout, /removed 3 records/);
      const verified = await runCli(['verify', '--store', retentionUrl]);
      assert.equal(verified.code, 0, verified.stdout);
      const list = await runCli(['hold', '--list', '--store', retentionUrl]);
      assert.match(list.stdout, /sessions#2 until 2100-01-01/);
      assert.equal((await runCli(['prune', '--store', retentionUrl])).code, 2);
      assert.equal(
        (await runCli(['prune', '--retention', 'sessions=90 days', '--store', retentionUrl])).code,
        2,
      );
      assert.equal((await runCli(['erase', '--store', url])).code, 2);
    });
  });
});

describe('CLI erase against an unreachable store', () => {
  it('exits 3', async function () {
    this.timeout(30_000);
    const result = await runCli([
      'erase',
      '--subject',
      '1',
      '--store',
      'postgres://postgres@127.0.0.1:1/test',
    ]);
    assert.equal(result.code, 3, result.stderr);
  });
});
