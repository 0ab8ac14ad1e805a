import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { HistoryPage, RevertPlan, RowDiff, RowState } from '../../src';
import type { AuditRecord } from '../../src/types';
import { describeEachStoreDialect } from './support/store-dialects';
import { fillCliStore } from './support/cli-store';
import type { CliStore, StoreKind } from './support/cli-store';

const ORDER_LINE = '{"orderId":42,"line":1}';

function json<T>(stdout: string): T {
  return JSON.parse(stdout) as T;
}

describeEachStoreDialect('CLI read commands', (db) => {
  const kinds: StoreKind[] = db.name === 'sqlite' ? ['sql', 'jsonl'] : ['sql'];
  for (const kind of kinds) {
    describe(`on a ${kind} store filled by a real workload`, () => {
      // The JSONL store answers through the same AuditTrail; it runs the main commands only.
      const sqlOnly = (title: string, test: () => Promise<void>) => {
        if (kind === 'sql') it(title, test);
      };
      let store: CliStore;
      before(async function () {
        this.timeout(60_000);
        store = await fillCliStore(db, kind);
      });
      after(() => store?.cleanUp());

      it('history lists every version of a row oldest first, with actors and changed values', async () => {
        const { code, stdout, stderr } = await store.cli('history', 'orders', '42');

        assert.equal(code, 0, stderr);
        assert.match(stdout, /orders#42/);
        const operations = [...stdout.matchAll(/│ (insert|update|soft_delete|restore|delete) /g)];
        assert.deepEqual(
          operations.map((m) => m[1]),
          ['insert', 'update', 'update', 'soft_delete', 'restore'],
        );
        assert.match(stdout, /status: paid → refunded/);
        assert.match(stdout, /nightly-job \(service\)/);
      });

      it('history --json gives versions, a composite key in any column order, and trace links', async () => {
        const { code, stdout } = await store.cli('--json', 'history', 'order_lines', ORDER_LINE);
        assert.equal(code, 0);
        const page = json<HistoryPage>(stdout);
        assert.equal(page.recordId, '{"line":"1","orderId":"42"}');
        assert.deepEqual(
          page.versions.map((v) => [v.version, v.operation, v.actor?.id]),
          [
            [1, 'insert', 'alice'],
            [2, 'update', 'alice'],
          ],
        );
        assert.deepEqual(
          page.versions[1].changes.find((c) => c.field === 'qty'),
          { field: 'qty', from: 1, to: 3 },
        );

        const linked = await store.cli(
          '--trace-url',
          'http://jaeger:16686/trace/{traceId}',
          'history',
          'order_lines',
          ORDER_LINE,
        );
        const { traceId } = page.versions[0];
        assert.ok(traceId);
        assert.ok(linked.stdout.includes(`http://jaeger:16686/trace/${traceId}`));
      });

      sqlOnly(
        'history pages with --limit and --page-token, numbering versions across pages',
        async () => {
          const first = await store.cli('--json', 'history', 'orders', '42', '--limit', '2');
          const page1 = json<HistoryPage>(first.stdout);
          assert.ok(page1.nextPageToken);
          const second = await store.cli(
            '--json',
            'history',
            'orders',
            '42',
            '--limit',
            '2',
            '--page-token',
            page1.nextPageToken,
          );
          const page2 = json<HistoryPage>(second.stdout);
          assert.deepEqual(
            [...page1.versions, ...page2.versions].map((v) => [v.version, v.status]),
            [
              [1, 'present'],
              [2, 'present'],
              [3, 'present'],
              [4, 'soft_deleted'],
            ],
          );
          const human = await store.cli('history', 'orders', '42', '--limit', '2');
          assert.match(human.stderr, /more versions: --page-token \S+/);
        },
      );

      it('show gives the row as it was at a moment: after the bulk refund, soft-deleted, restored', async () => {
        const { moments } = store.trail;
        const at = async (moment: Date) =>
          json<RowState>(
            (await store.cli('--json', 'show', 'orders', '42', '--at', moment.toISOString()))
              .stdout,
          );

        const [refunded, softDeleted, restored] = await Promise.all(
          [moments.afterBulkRefund, moments.afterDeletes, moments.afterRestore].map(at),
        );
        assert.deepEqual([refunded.row?.status, refunded.row?.total], ['refunded', 0]);
        assert.deepEqual([softDeleted.status, softDeleted.row], ['soft_deleted', null]);
        assert.deepEqual([restored.status, restored.row?.status], ['present', 'refunded']);

        const human = await store.cli(
          'show',
          'orders',
          '43',
          '--at',
          moments.afterBulkRefund.toISOString(),
        );
        assert.match(human.stdout, /orders#43 at .*: present \(version 2, update by nightly-job/);
        assert.match(human.stdout, /│ status +│ refunded/);
        const gone = await store.cli('show', 'orders', '43');
        assert.equal(gone.code, 0);
        assert.match(gone.stdout, /orders#43: deleted/);
      });

      sqlOnly('diff compares two versions and two moments field by field', async () => {
        const byVersion = json<RowDiff>(
          (await store.cli('--json', 'diff', 'orders', '42', '1', '3')).stdout,
        );
        assert.deepEqual(
          // Timestamps left out: MariaDB stores them to the second, the insert saw milliseconds.
          byVersion.changes.filter((c) => c.field !== 'updatedAt' && c.field !== 'createdAt'),
          [
            { field: 'status', from: 'new', to: 'refunded' },
            { field: 'total', from: 10, to: 0 },
          ],
        );
        const { afterPaid, afterDeletes } = store.trail.moments;
        const byTime = await store.cli(
          'diff',
          'orders',
          '42',
          afterPaid.toISOString(),
          afterDeletes.toISOString(),
        );
        assert.equal(byTime.code, 0);
        assert.match(byTime.stdout, /│ deletedAt │ null +│ \d{4}-/);
        assert.match(byTime.stdout, /│ status +│ paid +│ refunded/);
      });

      it('changes filters by actor, table, operation and time window', async () => {
        const changes = async (...args: string[]) =>
          json<{ records: AuditRecord[] }>((await store.cli('--json', 'changes', ...args)).stdout)
            .records;

        const { afterCreate, afterPaid } = store.trail.moments;
        const [jobRecords, deletes, window, human] = await Promise.all([
          changes('--actor', 'nightly-job'),
          changes('--table', 'orders', '--operation', 'delete'),
          changes('--since', afterCreate.toISOString(), '--until', afterPaid.toISOString()),
          store.cli('changes', '--actor', 'nightly-job', '--limit', '2'),
        ]);
        const byJob = jobRecords.map((r) => `${r.operation} ${r.table}#${r.recordId}`);
        // The two rows of the bulk update come in the order the database returned them.
        assert.deepEqual(byJob.slice(0, 2).sort(), ['update orders#42', 'update orders#43']);
        assert.deepEqual(byJob.slice(2), ['soft_delete orders#42', 'delete orders#43']);
        assert.equal(deletes.length, 1);
        assert.deepEqual(
          window.map((r) => r.table),
          ['orders', 'order_lines'],
        );
        assert.match(human.stdout, /orders#43/);
        assert.match(human.stderr, /more changes: --page-token/);
      });

      sqlOnly('who-changed lists each change of a field with actor and reason', async () => {
        const { code, stdout } = await store.cli('who-changed', 'orders', '42', 'status');
        assert.equal(code, 0);
        const rows = stdout.split('\n').filter((line) => /│ \d+ /.test(line));
        assert.equal(rows.length, 3);
        assert.match(rows[2], /nightly-job \(service\) │ paid +│ refunded +│ refund run/);
      });

      sqlOnly('revert prints the values to write back without writing them', async () => {
        const [toPaid, unchanged] = await Promise.all([
          store.cli('--json', 'revert', 'orders', '42', '2'),
          store.cli('--json', 'revert', 'users', '1', '1'),
        ]);
        const plan = json<RevertPlan>(toPaid.stdout);
        assert.equal(plan.action, 'update');
        assert.deepEqual([plan.values.status, plan.values.total], ['paid', 10]);
        assert.equal(json<RevertPlan>(unchanged.stdout).action, 'none');
        const [rows] = await db.connect().query('SELECT status FROM orders WHERE id = 42');
        assert.deepEqual(rows, [{ status: 'refunded' }]);
      });

      it('export writes every record as JSON Lines or CSV', async () => {
        const jsonl = await store.cli('export', '--format', 'jsonl');
        assert.equal(jsonl.code, 0);
        const lines = jsonl.stdout.trim().split('\n');
        assert.equal(lines.length, store.trail.records);
        assert.deepEqual(
          lines.map((line) => (JSON.parse(line) as AuditRecord).seq),
          Array.from({ length: store.trail.records }, (_, i) => i + 1),
        );
        assert.match(jsonl.stderr, new RegExp(`exported ${store.trail.records} records`));

        const file = join(tmpdir(), `osa-export-${process.pid}-${kind}-${db.name}.csv`);
        const csv = await store.cli(
          'export',
          '--format',
          'csv',
          '--table',
          'users',
          '--output',
          file,
        );
        assert.equal(csv.code, 0);
        const rows = readFileSync(file, 'utf8').trim().split('\n');
        assert.equal(rows[0].split(',')[0], 'eventId');
        assert.equal(rows.length, 2);
        assert.match(rows[1], /\[REDACTED\]/);
        assert.doesNotMatch(rows[1], /s3cret/);
      });

      it('tail prints the latest changes one line each', async () => {
        const { code, stdout } = await store.cli('tail', '-n', '2');
        assert.equal(code, 0);
        const lines = stdout.trim().split('\n');
        assert.equal(lines.length, 2);
        assert.match(lines[0], / delete orders#43 by nightly-job/);
        assert.match(lines[1], / restore orders#42 by alice \(user\): deletedAt: \S+ → null/);
      });
    });
  }
});
