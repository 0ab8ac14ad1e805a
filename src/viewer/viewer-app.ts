import type { Context } from 'hono';
import { Hono } from 'hono';
import { describeStoreFailure } from '../cli/store-errors';
import type { AuditTrail } from '../query/audit-trail';
import { loadAssets } from './assets';
import { authentication } from './auth';
import { verifyEvents, liveEvents } from './event-streams';
import { HttpProblem, notFound } from './http-problem';
import { verifyEachStream } from './integrity-report';
import { errorPage } from './pages/layout';
import { historyPage } from './pages/history-page';
import { integrityPage } from './pages/integrity-page';
import { livePage } from './pages/live-page';
import { recordPage } from './pages/record-page';
import { revertPage } from './pages/revert-page';
import { searchPage, searchProblemPage } from './pages/search-page';
import { FILTER_NAMES, limitOf, parseSearch, typedParams } from './request-query';
import { securityHeaders } from './security-headers';
import type { ResolvedViewerOptions } from './viewer-options';
import { recordAt, revertPlan, rowHistory, searchRecords } from './viewer-reads';

const PAGING = ['pageToken', 'limit'];

/** The viewer's routes (pages, JSON API, assets) over one trail. Reads only. */
export function createViewerApp(trail: AuditTrail, options: ResolvedViewerOptions): Hono {
  const app = new Hono();
  const assets = loadAssets();
  const { traceUrl } = options;
  app.use(securityHeaders());
  app.use(authentication(options));
  app.onError((error, c) => problemResponse(c, error, trail.store.name));
  app.notFound((c) =>
    problemResponse(c, notFound(`no such page: ${c.req.path}`), trail.store.name),
  );

  app.get('/assets/:name', (c) => {
    const asset = assets.get(c.req.param('name'));
    if (!asset) throw notFound(`no such asset: ${c.req.param('name')}`);
    c.header('Cache-Control', 'no-cache');
    return c.body(asset.body, 200, { 'Content-Type': asset.contentType });
  });

  // JSON API
  app.get('/api/records', async (c) => {
    const search = parseSearch(new URL(c.req.url), options.pageSize);
    return c.json(await searchRecords(trail, search));
  });
  app.get('/api/records/:stream/:seq', async (c) =>
    c.json(await recordAt(trail, c.req.param('stream'), c.req.param('seq'))),
  );
  app.get('/api/history/:table/:recordId', async (c) => {
    const page = historyPaging(c, options.pageSize);
    return c.json(await rowHistory(trail, c.req.param('table'), c.req.param('recordId'), page));
  });
  app.get('/api/revert/:table/:recordId/:version', async (c) =>
    c.json(
      await revertPlan(
        trail,
        c.req.param('table'),
        c.req.param('recordId'),
        c.req.param('version'),
      ),
    ),
  );
  app.get('/api/verify', async (c) => c.json(await verifyEachStream(trail.raw)));
  app.get('/api/verify/events', (c) => verifyEvents(c, trail));
  app.get('/api/live', (c) => {
    const { query } = parseSearch(new URL(c.req.url), options.pageSize, FILTER_NAMES);
    return liveEvents(c, trail, query, options.liveIntervalMs);
  });

  // Pages
  app.get('/', async (c) => {
    try {
      const search = parseSearch(new URL(c.req.url), options.pageSize);
      const page = await searchRecords(trail, search);
      return c.html(searchPage(search.params, page, traceUrl, search.limit));
    } catch (error) {
      // Bad filters: the form again, as typed, with what to change.
      if (!(error instanceof HttpProblem) || (error.status !== 400 && error.status !== 404))
        throw error;
      return c.html(
        searchProblemPage(typedParams(new URL(c.req.url)), error.message),
        error.status,
      );
    }
  });
  app.get('/history', (c) => {
    // The target of a link template in Jaeger or Tempo: /history?table=orders&recordId=42
    const { params } = parseSearch(new URL(c.req.url), 1, ['table', 'recordId']);
    if (!params.table || !params.recordId) throw notFound('give both table and recordId');
    return c.redirect(
      `/history/${encodeURIComponent(params.table)}/${encodeURIComponent(params.recordId)}`,
    );
  });
  app.get('/history/:table/:recordId', async (c) => {
    const page = historyPaging(c, 100);
    return c.html(
      historyPage(
        await rowHistory(trail, c.req.param('table'), c.req.param('recordId'), page),
        traceUrl,
      ),
    );
  });
  app.get('/history/:table/:recordId/revert/:version', async (c) =>
    c.html(
      revertPage(
        await revertPlan(
          trail,
          c.req.param('table'),
          c.req.param('recordId'),
          c.req.param('version'),
        ),
      ),
    ),
  );
  app.get('/record/:stream/:seq', async (c) =>
    c.html(recordPage(await recordAt(trail, c.req.param('stream'), c.req.param('seq')), traceUrl)),
  );
  app.get('/integrity', async (c) => {
    parseSearch(new URL(c.req.url), 1, ['run']);
    const run = c.req.query('run') === '1';
    return c.html(integrityPage(run ? await verifyEachStream(trail.raw) : undefined));
  });
  app.get('/live', (c) => {
    const { params } = parseSearch(new URL(c.req.url), 1, FILTER_NAMES);
    return c.html(livePage(params, traceUrl));
  });
  return app;
}

function historyPaging(c: Context, defaultLimit: number): { limit: number; pageToken?: string } {
  parseSearch(new URL(c.req.url), defaultLimit, PAGING);
  const limit = c.req.query('limit');
  return {
    limit: limit ? limitOf(limit) : defaultLimit,
    pageToken: c.req.query('pageToken') || undefined,
  };
}

/** A 4xx with its message for bad input, 503 for a store that cannot be read, never a stack. */
function problemResponse(c: Context, error: unknown, storeName: string): Response {
  const { status, message } = classify(error, storeName);
  if (status >= 500) process.stderr.write(`otel-sequelize-audit serve: ${message}\n`);
  if (c.req.path.startsWith('/api/')) return c.json({ error: message, status }, status);
  return c.html(errorPage(status, message), status);
}

function classify(
  error: unknown,
  storeName: string,
): { status: 400 | 401 | 403 | 404 | 421 | 500 | 503; message: string } {
  if (error instanceof HttpProblem) return { status: error.status, message: error.message };
  // The trail reports bad arguments (a malformed page token, a missing version) as RangeError.
  if (error instanceof RangeError) return { status: 400, message: error.message };
  const described = describeStoreFailure(error, storeName);
  if (described.exitCode === 3) return { status: 503, message: described.message };
  return { status: 500, message: `internal error: ${described.message}` };
}
