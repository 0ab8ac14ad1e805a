/*
 * How fast the history API answers on a large trail: 1 million records (100,000 with
 * --quick) in a SqlAuditStore on SQLite and PostgreSQL. Each question is asked several times
 * and reported as the median, against a baseline measured in the same run: reading 100
 * consecutive records of one chain by its primary key, the cheapest read a store can do.
 *
 *   npx tsx bench/query-bench.ts [--quick] [--records N] [--postgres-url URL] [--sqlite-only | --postgres-only]
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import { Sequelize } from 'sequelize';
import { AuditTrail } from '../src/query/audit-trail';
import { SqlAuditStore } from '../src/store/sql/sql-audit-store';
import type { AuditStore } from '../src/store/audit-store';
import { markdownTable } from './markdown-table';
import { createBenchPostgres } from './postgres-database';
import { fillTrail, NIGHTLY_ACTOR, STREAMS, TRAIL_DAYS, TRAIL_START } from './query-data';
import { spreadOf } from './stats';

interface BenchOptions {
  quick: boolean;
  records?: number;
  postgresUrl?: string;
  sqliteOnly: boolean;
  postgresOnly: boolean;
}

interface Question {
  name: string;
  ask(trail: AuditTrail): Promise<number>;
}

const DAY = 86_400_000;
const at = (days: number): Date => new Date(TRAIL_START + days * DAY);

function questions(total: number): Question[] {
  const midSeq = Math.floor(total / STREAMS.length / 2);
  return [
    {
      name: 'baseline: 100 records of one chain by (stream, seq)',
      ask: async (t) => (await t.store.readStream(STREAMS[1], midSeq, 100)).length,
    },
    {
      name: 'changes: nightly-job, one night (first page)',
      ask: async (t) =>
        (await t.changes({ actor: NIGHTLY_ACTOR, since: at(20), until: at(20.2) })).records.length,
    },
    {
      name: 'changes: one user, all time (first page)',
      ask: async (t) => (await t.changes({ actor: 'user-17' })).records.length,
    },
    {
      name: 'changes: table orders, one hour (first page)',
      ask: async (t) =>
        (await t.changes({ table: 'orders', since: at(15), until: at(15 + 1 / 24) })).records
          .length,
    },
    {
      name: 'changes: rare table refunds (first page)',
      ask: async (t) => (await t.changes({ table: 'refunds' })).records.length,
    },
    {
      name: 'changes: deletes of one day (first page)',
      ask: async (t) =>
        (await t.changes({ operation: 'delete', since: at(10), until: at(11) })).records.length,
    },
    {
      name: 'changes: newest first, no filter (first page)',
      ask: async (t) => (await t.changes({ order: 'desc' })).records.length,
    },
    {
      name: 'changes: one day, 10 pages through tokens',
      ask: async (t) => {
        let count = 0;
        let pageToken: string | undefined;
        for (let page = 0; page < 10; page += 1) {
          const result = await t.changes({ since: at(5), until: at(6) }, { pageToken });
          count += result.records.length;
          pageToken = result.nextPageToken;
        }
        return count;
      },
    },
    {
      name: 'history: orders#123',
      ask: async (t) => (await t.history('orders', 123)).versions.length,
    },
    {
      name: 'asOf: orders#123 mid-trail',
      ask: async (t) => ((await t.asOf('orders', 123, at(TRAIL_DAYS / 2))) ? 1 : 0),
    },
    {
      name: 'whoChanged: orders#123 status',
      ask: async (t) => (await t.whoChanged('orders', 123, 'status')).length,
    },
    {
      name: 'count: nightly-job, all time',
      ask: async (t) => t.count({ actor: NIGHTLY_ACTOR }),
    },
  ];
}

/** Fresh planner statistics, as autovacuum would gather on a server that has been running. */
async function analyzePostgres(url: string): Promise<void> {
  const sequelize = new Sequelize(url, { dialect: 'postgres', logging: false });
  try {
    await sequelize.query('ANALYZE audit_log');
  } finally {
    await sequelize.close();
  }
}

async function ensureFilled(store: AuditStore, total: number, label: string): Promise<void> {
  await store.init();
  const present = await store.count();
  if (present === total) {
    process.stderr.write(`query bench: ${label} already holds ${total} records\n`);
    return;
  }
  if (present !== 0) throw new Error(`${label} holds ${present} records, expected 0 or ${total}`);
  const started = performance.now();
  await fillTrail(store, total, (done) => {
    if (done % 100_000 === 0 || done === total) {
      process.stderr.write(`query bench: ${label}: ${done}/${total} records written\n`);
    }
  });
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(
    `query bench: ${label}: filled in ${seconds.toFixed(0)} s (${Math.round(total / seconds)} records/s)\n`,
  );
}

async function measure(trail: AuditTrail, total: number, rounds: number): Promise<string[][]> {
  const results: Array<{ name: string; found: number; times: number[] }> = [];
  for (const question of questions(total)) {
    const found = await question.ask(trail); // warm-up
    const times: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      const started = performance.now();
      await question.ask(trail);
      times.push(performance.now() - started);
    }
    results.push({ name: question.name, found, times });
  }
  const baseline = spreadOf(results[0].times).median;
  return results.map(({ name, found, times }) => {
    const spread = spreadOf(times);
    return [
      name,
      String(found),
      spread.median.toFixed(2),
      `${spread.min.toFixed(2)}–${spread.max.toFixed(2)}`,
      `${(spread.median / baseline).toFixed(1)}×`,
    ];
  });
}

async function benchStore(
  label: string,
  store: AuditStore,
  total: number,
  rounds: number,
  afterFill?: () => Promise<void>,
): Promise<string> {
  try {
    await ensureFilled(store, total, label);
    await afterFill?.();
    const rows = await measure(new AuditTrail(store), total, rounds);
    const headers = ['question', 'records', 'median ms', 'min–max ms', '× baseline'];
    return `### ${label}, ${total.toLocaleString('en-US')} records\n\n${markdownTable(headers, rows)}\n`;
  } finally {
    await store.close();
  }
}

async function main(): Promise<void> {
  const options = new Command('query-bench')
    .option('--quick', '100,000 records and 5 rounds instead of 1,000,000 and 15', false)
    .option('--records <n>', 'records in the trail', (v) => Number(v))
    .option('--postgres-url <url>', 'PostgreSQL server for the second run')
    .option('--sqlite-only', 'skip PostgreSQL', false)
    .option('--postgres-only', 'skip SQLite', false)
    .parse()
    .opts<BenchOptions>();
  const total = options.records ?? (options.quick ? 100_000 : 1_000_000);
  const rounds = options.quick ? 5 : 15;
  const tmp = join(__dirname, '.tmp');
  mkdirSync(tmp, { recursive: true });
  const file = join(tmp, `query-trail-${total}.sqlite`);
  process.stderr.write(`query bench: SQLite file ${file}${existsSync(file) ? ' (reused)' : ''}\n`);
  const sections: string[] = [];
  if (!options.postgresOnly) {
    const store = new SqlAuditStore({ url: `sqlite:${file}` });
    sections.push(await benchStore('SQLite', store, total, rounds));
  }
  const serverUrl =
    options.postgresUrl ??
    process.env.AUDIT_BENCH_POSTGRES_URL ??
    process.env.AUDIT_TEST_POSTGRES_URL;
  if (!options.sqliteOnly && serverUrl) {
    const database = await createBenchPostgres(serverUrl);
    try {
      const store = new SqlAuditStore({ url: database.url });
      sections.push(
        await benchStore('PostgreSQL', store, total, rounds, () => analyzePostgres(database.url)),
      );
    } finally {
      await database.drop();
    }
  } else if (!options.sqliteOnly) {
    sections.push('_PostgreSQL skipped: no --postgres-url or AUDIT_TEST_POSTGRES_URL._\n');
  }
  process.stdout.write(`## History API on a large trail\n\n${sections.join('\n')}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`query bench: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
