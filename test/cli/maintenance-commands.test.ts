import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import type { HistoryPage, VerifyResult } from '../../src';
import { openAuditStore } from '../../src/store/open-store';
import { sealEvent } from '../../src/store/chain-hash';
import { describeEachStoreDialect } from './support/store-dialects';
import type { DialectFixture } from '../support/dialects';
import { fillCliStore, withTable } from './support/cli-store';
import type { CliStore, StoreKind } from './support/cli-store';
import { CliProcess, runCli } from './support/run-cli';

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${stderr}`);
  return lines[0];
}

/** Edits the actor of one stored record behind the store's back. */
async function tamper(db: DialectFixture, store: CliStore, table: string, seq: number) {
  if (store.url.startsWith('jsonl:')) {
    const path = store.url.slice('jsonl:'.length);
    const lines = readFileSync(path, 'utf8').split('\n');
    const index = lines.findIndex((line) => line.includes(`"seq":${seq},`));
    lines[index] = lines[index].replace('"nightly-job"', '"mallory"');
    writeFileSync(path, lines.join('\n'));
    return;
  }
  await db.connect().query(`UPDATE ${table} SET actor_id = 'mallory' WHERE seq = ${seq}`);
}

describeEachStoreDialect('CLI maintenance commands', (db) => {
  it('migrate creates the audit table, is safe to repeat, and leaves an empty trail that reads as exit 2', async () => {
    const url = withTable(db.url, 'audit_fresh');
    const first = await runCli(['--store', url, 'migrate']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /audit store sql:audit_fresh is ready/);
    const again = await runCli(['--store', url, 'migrate']);
    assert.equal(again.code, 0, again.stderr);
    for (const command of ['changes', 'verify']) {
      const result = await runCli(['--store', url, command]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /the audit trail in sql:audit_fresh is empty/);
    }
  });

  const kinds: StoreKind[] = db.name === 'sqlite' ? ['sql', 'jsonl'] : ['sql'];
  for (const kind of kinds) {
    describe(`on a ${kind} store`, () => {
      it('verify reports every chain intact with exit 0 and a progress bar on stderr', async () => {
        const store = await fillCliStore(db, kind, 'audit_verify');
        try {
          const human = await store.cli('--progress', 'verify');
          assert.equal(human.code, 0, human.stderr);
          assert.match(human.stdout, /ok: 11 records in 1 stream, every chain intact/);
          assert.match(human.stderr, /verify \[█+\] 100% \| 11\/11/);
          const result = JSON.parse((await store.cli('--json', 'verify')).stdout) as VerifyResult;
          const { ok, streams, records, keyed } = result;
          assert.deepEqual(
            { ok, streams, records, keyed },
            { ok: true, streams: 1, records: 11, keyed: false },
          );
        } finally {
          store.cleanUp();
        }
      });

      it('verify exits 1 naming the first broken stream and seq after a record is edited', async () => {
        const store = await fillCliStore(db, kind, 'audit_tamper');
        try {
          await tamper(db, store, 'audit_tamper', 7);
          const { code, stderr, stdout } = await store.cli('verify');
          assert.equal(code, 1);
          assert.equal(stdout, '');
          assert.match(
            oneLine(stderr),
            /^otel-sequelize-audit: chain broken: stream cli-workload at seq 7: content changed/,
          );
          const json = await store.cli('--json', 'verify');
          assert.equal(json.code, 1);
          assert.deepEqual((JSON.parse(json.stdout) as VerifyResult).firstBreak?.seq, 7);
        } finally {
          store.cleanUp();
        }
      });

      it('prune removes old records, leaves a checkpoint, and the chain still verifies', async () => {
        const store = await fillCliStore(db, kind, 'audit_prune');
        try {
          const before = store.trail.moments.afterPaid.toISOString();
          const dryRun = await store.cli('prune', '--before', before, '--dry-run');
          assert.match(dryRun.stdout, /would remove 6 records that occurred before/);
          const pruned = await store.cli('--json', 'prune', '--before', before);
          assert.equal(pruned.code, 0, pruned.stderr);
          assert.deepEqual(JSON.parse(pruned.stdout), { before, removed: 6 });

          const verify = await store.cli('verify');
          assert.equal(verify.code, 0, verify.stderr);
          assert.match(verify.stdout, /ok: 5 records in 1 stream/);
          const history = JSON.parse((await store.cli('--json', 'history', 'orders', '42')).stdout);
          assert.deepEqual(
            (history as HistoryPage).versions.map((v) => v.operation),
            ['update', 'soft_delete', 'restore'],
          );
          const shown = JSON.parse((await store.cli('--json', 'show', 'orders', '42')).stdout);
          assert.deepEqual([shown.row.id, shown.row.status], [42, 'refunded']);
        } finally {
          store.cleanUp();
        }
      });

      it('tail --follow prints records as they are stored and exits 0 when stopped', async () => {
        const store = await fillCliStore(db, kind, 'audit_follow');
        const follower = new CliProcess([
          '--store',
          store.url,
          '--json',
          'tail',
          '-n',
          '1',
          '--follow',
          '--interval',
          '100',
        ]);
        try {
          const [latest] = await follower.waitForLines(1);
          assert.equal(JSON.parse(latest).operation, 'restore');
          await appendLateRecords(store.url);
          const lines = await follower.waitForLines(3);
          assert.deepEqual(
            lines.slice(1).map((line) => JSON.parse(line).eventId),
            ['late-1', 'late-2'],
          );
          assert.equal(await follower.stop(), 0);
        } finally {
          follower.child.kill('SIGKILL');
          store.cleanUp();
        }
      });
    });
  }
});

/**
 * Two more records of the workload's chain, as a writer flushing late would store them: the
 * first one dated before everything already stored.
 */
async function appendLateRecords(url: string): Promise<void> {
  const store = await openAuditStore(url);
  try {
    const head = await store.streamHead('cli-workload');
    assert.ok(head);
    const base = {
      granularity: 'row' as const,
      dbSystem: 'sqlite',
      table: 'orders',
      recordId: '42',
      changedFields: ['status'],
      before: { status: 'refunded' },
      after: { status: 'closed' },
      operation: 'update' as const,
    };
    const link = (seq: number, prevHash: string) => ({ stream: 'cli-workload', seq, prevHash });
    const first = sealEvent(
      { ...base, eventId: 'late-1', occurredAt: '2020-01-01T00:00:00.000Z' },
      link(head.lastSeq + 1, head.lastHash),
    );
    const second = sealEvent(
      { ...base, eventId: 'late-2', occurredAt: new Date().toISOString() },
      link(head.lastSeq + 2, first.hash),
    );
    await store.append([first, second]);
  } finally {
    await store.close();
  }
}
