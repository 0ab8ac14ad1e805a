/*
 * How fast the viewer answers on a large trail: the query bench's synthetic trail (1,000,000
 * records by default) in a SqlAuditStore on SQLite (and PostgreSQL with --postgres-url), the
 * viewer served in-process, each page and API call fetched over HTTP several times; median and
 * p99 in ms, against a baseline in the same run: the viewer's static stylesheet.
 *
 *   npx tsx bench/viewer-bench.ts [--records N] [--rounds N] [--postgres-url URL] [--sqlite-only | --postgres-only]
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import { Sequelize } from 'sequelize';
import { AuditTrail } from '../src/query/audit-trail';
import { SqlAuditStore } from '../src/store/sql/sql-audit-store';
import type { AuditStore } from '../src/store/audit-store';
import { startViewer } from '../src/viewer/start-viewer';
import { markdownTable } from './markdown-table';
import { createBenchPostgres } from './postgres-database';
import { fillTrail, NIGHTLY_ACTOR, STREAMS, TRAIL_START } from './query-data';

interface BenchOptions {
  records: number;
  rounds: number;
  postgresUrl?: string;
  sqliteOnly: boolean;
  postgresOnly: boolean;
  verify: boolean;
}

const DAY = 86_400_000;
const at = (days: number): string => new Date(TRAIL_START + days * DAY).toISOString();

function paths(total: number): Array<[string, string]> {
  const midSeq = Math.floor(total / STREAMS.length / 2);
  const day = `since=${at(5)}&until=${at(6)}`;
  return [
    ['baseline: /assets/viewer.css', '/assets/viewer.css'],
    ['search page: newest first, no filter', '/'],
    ['search page: table orders', '/?table=orders'],
    ['search page: one user', '/?actor=user-17'],
    [
      'search page: nightly-job, one night',
      `/?actor=${NIGHTLY_ACTOR}&since=${at(20)}&until=${at(20.2)}`,
    ],
    ['search page: rare table refunds', '/?table=refunds'],
    ['search page: deletes of one day', `/?operation=delete&${day}`],
    ['api/records: one day, 50 per page', `/api/records?${day}`],
    [
      'api/records: trace id',
      `/api/records?traceId=${(1000 * 2654435761).toString(16).padStart(32, '0').slice(-32)}`,
    ],
    ['row history page: orders#123', '/history/orders/123'],
    ['api/history: orders#123', '/api/history/orders/123'],
    ['revert plan page: orders#123 to version 1', '/history/orders/123/revert/1'],
    ['record page: mid-chain', `/record/${STREAMS[1]}/${midSeq}`],
    ['live page (HTML only)', '/live?table=orders'],
    ['integrity page (not run)', '/integrity'],
  ];
}

async function ensureFilled(store: AuditStore, total: number, label: string): Promise<void> {
  await store.init();
  const present = await store.count();
  if (present === total) return;
  if (present !== 0) throw new Error(`${label} holds ${present} records, expected 0 or ${total}`);
  await fillTrail(store, total, (done) => {
    if (done % 100_000 === 0) process.stderr.write(`viewer bench: ${label}: ${done}/${total}\n`);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function timeOne(url: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(url);
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
  return performance.now() - started;
}

async function timeVerify(base: string): Promise<string> {
  const started = performance.now();
  const response = await fetch(`${base}/api/verify`);
  const verify = (await response.json()) as { ok: boolean; records: number };
  const seconds = (performance.now() - started) / 1000;
  return `GET /api/verify (walks all ${verify.records.toLocaleString('en-US')} records, ok: ${verify.ok}): ${seconds.toFixed(1)} s, once.\n`;
}

async function benchStore(
  label: string,
  store: AuditStore,
  total: number,
  rounds: number,
  withVerify: boolean,
  afterFill?: () => Promise<void>,
): Promise<string> {
  try {
    await ensureFilled(store, total, label);
    await afterFill?.();
    const viewer = await startViewer(new AuditTrail(store), { port: 0 });
    try {
      const rows: string[][] = [];
      let baseline = 0;
      for (const [name, path] of paths(total)) {
        await timeOne(viewer.url + path); // warm-up
        const times: number[] = [];
        for (let round = 0; round < rounds; round += 1)
          times.push(await timeOne(viewer.url + path));
        times.sort((a, b) => a - b);
        const median = percentile(times, 50);
        baseline ||= median;
        rows.push([
          name,
          median.toFixed(2),
          percentile(times, 99).toFixed(2),
          `${(median / baseline).toFixed(1)}×`,
        ]);
      }
      const verifyLine = withVerify ? await timeVerify(viewer.url) : '';
      const headers = ['page or API call', 'median ms', 'p99 ms', '× baseline'];
      return (
        `### ${label}, ${total.toLocaleString('en-US')} records, ${rounds} rounds\n\n${markdownTable(headers, rows)}\n\n` +
        verifyLine
      );
    } finally {
      await viewer.close();
    }
  } finally {
    await store.close();
  }
}

async function main(): Promise<void> {
  const options = new Command('viewer-bench')
    .option('--records <n>', 'records in the trail', (v) => Number(v), 1_000_000)
    .option('--rounds <n>', 'fetches of each page', (v) => Number(v), 50)
    .option('--postgres-url <url>', 'PostgreSQL server for a second run')
    .option('--sqlite-only', 'skip PostgreSQL', false)
    .option('--postgres-only', 'skip SQLite', false)
    .option('--no-verify', 'skip the one GET /api/verify over the whole trail')
    .parse()
    .opts<BenchOptions>();
  const tmp = join(__dirname, '.tmp');
  mkdirSync(tmp, { recursive: true });
  const sections: string[] = [];
  const file = join(tmp, `query-trail-${options.records}.sqlite`);
  if (!options.postgresOnly) {
    sections.push(
      await benchStore(
        'SQLite',
        new SqlAuditStore({ url: `sqlite:${file}` }),
        options.records,
        options.rounds,
        options.verify,
      ),
    );
  }
  const serverUrl = options.postgresUrl ?? process.env.AUDIT_BENCH_POSTGRES_URL;
  if (!options.sqliteOnly && serverUrl) {
    const database = await createBenchPostgres(serverUrl);
    try {
      const analyze = async () => {
        const sequelize = new Sequelize(database.url, { dialect: 'postgres', logging: false });
        await sequelize.query('ANALYZE audit_log').finally(() => sequelize.close());
      };
      sections.push(
        await benchStore(
          'PostgreSQL',
          new SqlAuditStore({ url: database.url }),
          options.records,
          options.rounds,
          options.verify,
          analyze,
        ),
      );
    } finally {
      await database.drop();
    }
  }
  process.stdout.write(`## Viewer on a large trail\n\n${sections.join('\n')}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`viewer bench: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
