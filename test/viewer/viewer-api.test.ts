import { strict as assert } from 'node:assert';
import type { ChangesPage, HistoryPage } from '../../src/query/trail-types';
import type { AuditRecord } from '../../src/types';
import type { IntegrityReport } from '../../src/viewer/integrity-report';
import { describeEachStoreDialect } from '../cli/support/store-dialects';
import { runNotes, XSS_LINK } from './support/notes-workload';
import { readEvents } from './support/sse';
import { fillAndServe } from './support/viewer-fixture';
import type { ViewerFixture } from './support/viewer-fixture';

describeEachStoreDialect('viewer JSON API', (db) => {
  for (const kind of db.name === 'sqlite' ? (['sql', 'jsonl'] as const) : (['sql'] as const)) {
    describe(`over a ${kind} store`, () => {
      let fx: ViewerFixture;
      before(async function () {
        this.timeout(120_000);
        fx = await fillAndServe(db, kind);
      });
      after(async () => fx?.close());

      it('lists every record newest first, page by page with cursors', async () => {
        const seen: AuditRecord[] = [];
        let path = '/api/records?limit=3';
        for (let pages = 0; pages < 50; pages++) {
          const { status, body } = await fx.json<ChangesPage>(path);
          assert.equal(status, 200);
          assert.ok(body.records.length <= 3);
          seen.push(...body.records);
          if (!body.nextPageToken) break;
          path = `/api/records?limit=3&pageToken=${encodeURIComponent(body.nextPageToken)}`;
        }
        const total = await fx.store.count();
        assert.equal(seen.length, total);
        assert.equal(new Set(seen.map((r) => r.eventId)).size, total);
        const times = seen.map((r) => Date.parse(r.occurredAt));
        assert.deepEqual(
          times,
          [...times].sort((a, b) => b - a),
        );
      });

      it('narrows records by table and row, actor, operation, trace and time', async () => {
        const { moments } = fx.filled.trail;
        const row = await fx.json<ChangesPage>('/api/records?table=orders&recordId=42');
        assert.ok(row.body.records.length >= 5);
        assert.ok(row.body.records.every((r) => r.table === 'orders' && r.recordId === '42'));
        const nightly = await fx.json<ChangesPage>('/api/records?actor=nightly-job');
        assert.ok(nightly.body.records.length > 0);
        assert.ok(nightly.body.records.every((r) => r.actor?.id === 'nightly-job'));
        const soft = await fx.json<ChangesPage>('/api/records?operation=soft_delete');
        assert.deepEqual(
          soft.body.records.map((r) => `${r.table}#${r.recordId}`),
          ['orders#42'],
        );
        const traced = row.body.records.find((r) => r.traceId)!;
        const byTrace = await fx.json<ChangesPage>(`/api/records?traceId=${traced.traceId}`);
        assert.ok(byTrace.body.records.some((r) => r.eventId === traced.eventId));
        assert.ok(byTrace.body.records.every((r) => r.traceId === traced.traceId));
        const window = await fx.json<ChangesPage>(
          `/api/records?since=${moments.afterPaid.toISOString()}&until=${moments.afterBulkRefund.toISOString()}`,
        );
        assert.equal(window.body.records.length, 2);
        assert.ok(window.body.records.every((r) => r.operation === 'update'));
      });

      it('gives the history of a row with its soft delete and restore, and of a composite key in any column order', async () => {
        const { status, body } = await fx.json<HistoryPage>('/api/history/orders/42');
        assert.equal(status, 200);
        assert.deepEqual(
          body.versions.map((v) => v.operation),
          ['insert', 'update', 'update', 'soft_delete', 'restore'],
        );
        assert.deepEqual(
          body.versions.map((v) => v.status),
          ['present', 'present', 'present', 'soft_deleted', 'present'],
        );
        const paid = body.versions[1].changes.find((c) => c.field === 'status');
        assert.deepEqual(paid, { field: 'status', from: 'new', to: 'paid' });
        const key = encodeURIComponent('{"line":1,"orderId":42}');
        const line = await fx.json<HistoryPage>(`/api/history/order_lines/${key}`);
        assert.equal(line.status, 200);
        assert.deepEqual(
          line.body.versions.map((v) => v.operation),
          ['insert', 'update'],
        );
      });

      it('shows the revert plan of a version without writing it', async () => {
        const before = await fx.store.count();
        const { status, body } = await fx.json<{ action: string; values: Record<string, unknown> }>(
          '/api/revert/orders/42/2',
        );
        assert.equal(status, 200);
        assert.equal(body.action, 'update');
        assert.equal(body.values.status, 'paid');
        assert.equal(body.values.total, 10);
        assert.equal(await fx.store.count(), before);
      });

      it('reports every chain intact, per stream', async () => {
        const { status, body } = await fx.json<IntegrityReport>('/api/verify');
        assert.equal(status, 200);
        assert.equal(body.ok, true);
        assert.equal(body.records, await fx.store.count());
        assert.deepEqual(
          body.perStream.map((s) => [s.stream, s.ok]),
          [
            ['cli-workload', true],
            ['viewer-notes', true],
          ],
        );
      });

      it('redirects a link from a trace backend (table and record id as query parameters) to the row history', async () => {
        const key = encodeURIComponent('{"orderId":42,"line":1}');
        const response = await fx.get(`/history?table=order_lines&recordId=${key}`, {
          redirect: 'manual',
        });
        assert.equal(response.status, 302);
        assert.equal(response.headers.get('location'), `/history/order_lines/${key}`);
        assert.equal((await fx.get(`/history?table=order_lines&recordId=${key}`)).status, 200);
      });

      it('serves one record by its chain place', async () => {
        const { status, body } = await fx.json<AuditRecord>('/api/records/viewer-notes/1');
        assert.equal(status, 200);
        assert.equal(body.table, 'notes');
        assert.equal(body.seq, 1);
      });

      it('streams records stored after following began, with the same filters', async function () {
        this.timeout(60_000);
        const stop = new AbortController();
        const response = await fx.get('/api/live?table=notes&actor=bob', { signal: stop.signal });
        assert.equal(response.status, 200);
        assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
        const events = readEvents(response);
        try {
          assert.equal((await events.next()).event, 'ready');
          // An existing stream: a file store opened earlier learns new streams only on reopening.
          await runNotes(db.connect(), fx.filled.url, 'viewer-notes', async (Note) => {
            await Note.create({ id: 7, body: 'live one', link: 'https://example.com' });
          });
          const arrived = await events.next();
          assert.equal(arrived.event, 'record');
          const record = JSON.parse(arrived.data) as AuditRecord;
          assert.equal(record.table, 'notes');
          assert.equal(record.recordId, '7');
          assert.equal(record.stream, 'viewer-notes');
        } finally {
          stop.abort();
        }
      });

      it('answers bad input with a 4xx and a message that says what to change, never a 500', async () => {
        const cases: Array<[string, number, RegExp]> = [
          ['/api/records?table=nope', 404, /unknown table "nope"/],
          ['/api/history/nope/1', 404, /unknown table "nope"/],
          ['/api/history/orders/999', 404, /no audit records for orders#999/],
          ['/api/history/order_lines/%7B%22orderId%22%3A', 400, /not valid JSON/],
          ['/api/records?since=yesterday', 400, /"yesterday" is not a date/],
          ['/api/records?until=2026-13-45', 400, /not a date/],
          ['/api/records?limit=100000', 400, /limit "100000" must be a whole number from 1 to 500/],
          ['/api/records?limit=-1', 400, /limit/],
          ['/api/records?operation=explode', 400, /unknown operation "explode"/],
          ['/api/records?traceId=xyz', 400, /not 32 hexadecimal digits/],
          ['/api/records?pageToken=garbage', 400, /Invalid page token/],
          ['/api/records?recordId=42', 400, /needs a table/],
          ['/api/records?colour=red', 400, /unknown parameter "colour"/],
          [`/api/records?actor=${'x'.repeat(2000)}`, 400, /at most 512/],
          ['/api/records/cli-workload/abc', 400, /seq "abc"/],
          ['/api/records/cli-workload/99999', 404, /no record at seq 99999/],
          ['/api/records/nope/1', 404, /unknown stream "nope"/],
          ['/api/revert/orders/42/99', 400, /there is no version 99/],
          ['/api/revert/orders/42/0', 400, /version "0"/],
          ['/api/nothing-here', 404, /no such page/],
        ];
        for (const [path, status, message] of cases) {
          const response = await fx.get(path);
          const body = (await response.json()) as { error: string };
          assert.equal(response.status, status, `${path}: ${body.error}`);
          assert.match(body.error, message, path);
          assert.doesNotMatch(body.error, /\n\s+at /, `${path} leaks a stack`);
        }
        const search = await fx.get('/?since=yesterday&table=orders');
        assert.equal(search.status, 400);
        const form = await search.text();
        assert.match(form, /role="alert">since: &quot;yesterday&quot; is not a date/);
        assert.match(form, /name="since" value="yesterday"/);
        const page = await fx.get('/history/orders/999');
        assert.equal(page.status, 404);
        assert.match(await page.text(), /no audit records for orders#999/);
      });

      it('shows stored markup and javascript: URLs as text on every page, under a strict CSP', async () => {
        const history = await fx.get('/history/notes/1');
        assert.equal(history.status, 200);
        const csp = history.headers.get('content-security-policy') ?? '';
        assert.match(csp, /default-src 'none'/);
        assert.match(csp, /script-src 'self'(;|$)/);
        assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
        const record = await fx.get('/record/viewer-notes/1');
        const search = await fx.get('/?table=notes');
        for (const html of [await history.text(), await record.text(), await search.text()]) {
          assert.doesNotMatch(html, /<img/i);
          assert.doesNotMatch(html, /href="javascript:/i);
          assert.doesNotMatch(html, /<script(?![^>]*src="\/assets\/viewer\.js")/i, 'inline script');
        }
        const historyHtml = await (await fx.get('/history/notes/1')).text();
        assert.ok(historyHtml.includes('&lt;img src=x onerror=alert(1)&gt;'));
        assert.ok(historyHtml.includes(XSS_LINK.replace(/\(/g, '(')));
        assert.match(historyHtml, /href="http:\/\/localhost:16686\/trace\/[0-9a-f]{32}"/);
      });

      it('never writes to the store', async () => {
        const heads = await fx.store.streams();
        for (const path of [
          '/',
          '/live',
          '/integrity?run=1',
          '/history/orders/42',
          '/api/verify',
          '/history/orders/42/revert/1',
        ]) {
          assert.equal((await fx.get(path)).status, 200, path);
        }
        assert.deepEqual(await fx.store.streams(), heads);
      });
    });
  }
});
