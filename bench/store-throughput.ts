/*
 * Audit store throughput: records per second the AuditSpanProcessor persists to SQLite and
 * PostgreSQL, side by side in the same run with the fastest raw batched insert of the same
 * rows into an identical table, and what handing one record to the processor costs the
 * application's thread.
 *
 *   tsx bench/store-throughput.ts [--quick] [--sqlite-only] [--postgres-url URL] [--records N] [--json]
 *
 * Markdown to stdout, progress to stderr. PostgreSQL: --postgres-url, else
 * AUDIT_BENCH_POSTGRES_URL, else AUDIT_TEST_POSTGRES_URL, else postgres://postgres@127.0.0.1:5432/test;
 * the bench creates `store_bench_<pid>` there and drops it at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Sequelize } from 'sequelize';
import { AuditSpanProcessor, SqlAuditStore } from '../src';
import type { AuditRecord } from '../src';
import { eventToAttributes } from '../src/audit/event-attributes';
import { sealEvent } from '../src/store/chain-hash';
import { sqlFamilyOf, stringLiteral } from '../src/store/sql/sql-dialect';
import type { AuditEvent } from '../src/types';
import { benchEvent } from './audit-bench-event';
import { markdownTable } from './markdown-table';

interface Options {
  records: number;
  rounds: number;
  sqliteOnly: boolean;
  postgresUrl: string;
  json: boolean;
}

/** One database's figures. */
export interface StoreThroughputResult {
  database: string;
  records: number;
  rawPerSecond: number;
  processorPerSecond: number;
  ratio: number;
}

function parseArgs(argv: string[]): Options {
  const value = (flag: string) => {
    const index = argv.indexOf(flag);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  return {
    records: Number(value('--records') ?? (quick ? 5000 : 20_000)),
    rounds: quick ? 2 : 3,
    sqliteOnly: argv.includes('--sqlite-only'),
    postgresUrl:
      value('--postgres-url') ??
      process.env.AUDIT_BENCH_POSTGRES_URL ??
      process.env.AUDIT_TEST_POSTGRES_URL ??
      'postgres://postgres@127.0.0.1:5432/test',
    json: argv.includes('--json'),
  };
}

function log(message: string): void {
  process.stderr.write(`store-throughput: ${message}\n`);
}

function seconds(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** The fastest raw path: pre-sealed rows, multi-row INSERTs of one batch each, no processor. */
async function rawInsertRate(
  sequelize: Sequelize,
  table: string,
  records: AuditRecord[],
): Promise<number> {
  const store = new SqlAuditStore({ sequelize, table });
  await store.init();
  const q = (name: string) => sequelize.getQueryInterface().quoteIdentifier(name);
  const started = process.hrtime.bigint();
  for (let i = 0; i < records.length; i += 512) {
    await insertPlain(sequelize, q(table), q, records.slice(i, i + 512));
  }
  return records.length / seconds(started);
}

async function insertPlain(
  sequelize: Sequelize,
  table: string,
  q: (n: string) => string,
  rows: AuditRecord[],
) {
  const pg = sequelize.getDialect() === 'postgres';
  const family = sqlFamilyOf(sequelize.getDialect());
  const fallback = (text: string) => sequelize.escape(text);
  // The same literal writer the store uses, so the raw path is as fast as it can be.
  const e = (value: string | number | null | undefined) =>
    value === null || value === undefined
      ? 'NULL'
      : typeof value === 'number'
        ? String(value)
        : stringLiteral(family, value, fallback);
  const json = (value: unknown) =>
    value === null ? 'NULL' : `${e(JSON.stringify(value))}${pg ? '::jsonb' : ''}`;
  const values = rows.map(
    (r) =>
      `(${[e(r.eventId), e(r.stream), e(r.seq), e(r.prevHash), e(r.hash), `${e(r.occurredAt)}${pg ? '::timestamptz' : ''}`, e(r.operation), e(r.granularity), e(r.dbSystem), e(r.namespace), e(r.table), e(r.model), e(r.recordId), json(r.changedFields), json(r.before), json(r.after), e(r.actor?.id), e(r.actor?.type), e(r.traceId), e(r.spanId)].join(', ')})`,
  );
  const columns = [
    'event_id',
    'stream',
    'seq',
    'prev_hash',
    'hash',
    'occurred_at',
    'operation',
    'granularity',
    'db_system',
    'namespace',
    'table_name',
    'model',
    'record_id',
    'changed_fields',
    'before_values',
    'after_values',
    'actor_id',
    'actor_type',
    'trace_id',
    'span_id',
  ];
  await sequelize.query(
    `INSERT INTO ${table} (${columns.map(q).join(', ')}) VALUES ${values.join(', ')}`,
  );
}

/** Hands every event to a processor and waits until all are persisted. */
async function processorRate(
  sequelize: Sequelize,
  table: string,
  events: AuditEvent[],
  spool: string,
): Promise<number> {
  const store = new SqlAuditStore({ sequelize, table });
  await store.init();
  const processor = new AuditSpanProcessor({
    store,
    spool: { directory: spool },
    maxQueueSize: events.length + 1,
    closeStoreOnShutdown: false,
  });
  await processor.forceFlush();
  const started = process.hrtime.bigint();
  for (const event of events) processor.receiveAuditEvent(event);
  await processor.forceFlush();
  const rate = events.length / seconds(started);
  await processor.shutdown();
  return rate;
}

/** Nanoseconds the application's thread spends handing one record over (onEnd of an audit span, and directly). */
async function handOffCost(spool: string): Promise<{ onEndNs: number; directNs: number }> {
  const sequelize = new Sequelize({ dialect: 'sqlite', storage: ':memory:', logging: false });
  const store = new SqlAuditStore({ sequelize, table: 'handoff' });
  const count = 100_000;
  const processor = new AuditSpanProcessor({
    store,
    spool: { directory: spool },
    maxQueueSize: 2 * count + 10,
    maxBatchSize: 4 * count,
    flushIntervalMs: 3_600_000,
  });
  const tracer = new BasicTracerProvider().getTracer('bench');
  const spans: ReadableSpan[] = [];
  const events: AuditEvent[] = [];
  for (let i = 0; i < count; i += 1) {
    const event = benchEvent(i);
    events.push({ ...event, eventId: `${event.eventId}-direct` });
    const span = tracer.startSpan('audit UPDATE customers', {
      attributes: eventToAttributes(event),
    });
    span.end();
    spans.push(span as unknown as ReadableSpan);
  }
  let started = process.hrtime.bigint();
  for (const span of spans) processor.onEnd(span);
  const onEndNs = Number(process.hrtime.bigint() - started) / count;
  started = process.hrtime.bigint();
  for (const event of events) processor.receiveAuditEvent(event);
  const directNs = Number(process.hrtime.bigint() - started) / count;
  await processor.shutdown();
  await sequelize.close();
  return { onEndNs, directNs };
}

async function benchDatabase(
  name: string,
  sequelize: Sequelize,
  options: Options,
  spool: string,
): Promise<StoreThroughputResult> {
  const raw: number[] = [];
  const processed: number[] = [];
  for (let round = 0; round < options.rounds; round += 1) {
    const events = Array.from({ length: options.records }, (_, i) =>
      benchEvent(i + round * options.records),
    );
    let prevHash: string | null = null;
    const sealed = events.map((event, i) => {
      const record = sealEvent(
        { ...event, eventId: `${event.eventId}-raw` },
        { stream: 'raw', seq: i + 1, prevHash },
      );
      prevHash = record.hash;
      return record;
    });
    // Alternate which path goes first so neither always meets a warmer database.
    const first = round % 2 === 0;
    if (first) raw.push(await rawInsertRate(sequelize, `bench_raw_${round}`, sealed));
    processed.push(await processorRate(sequelize, `bench_proc_${round}`, events, spool));
    if (!first) raw.push(await rawInsertRate(sequelize, `bench_raw_${round}`, sealed));
    log(
      `${name} round ${round + 1}: raw ${raw[round].toFixed(0)}/s, processor ${processed[round].toFixed(0)}/s`,
    );
  }
  const median = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  // The ratio is the median of each round's own ratio: both paths of a round ran back to back,
  // so they met the same load from other processes.
  return {
    database: name,
    records: options.records,
    rawPerSecond: median(raw),
    processorPerSecond: median(processed),
    ratio: median(processed.map((rate, round) => rate / raw[round])),
  };
}

async function postgresDatabase(
  serverUrl: string,
): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const database = `store_bench_${process.pid}`;
  const admin = new Sequelize(serverUrl, {
    logging: false,
    dialectOptions: { connectionTimeoutMillis: 5000 },
  });
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${database}`);
    await admin.query(`CREATE DATABASE ${database}`);
  } catch (error) {
    log(`PostgreSQL at ${serverUrl} is not reachable (${String(error)}); skipped`);
    await admin.close();
    return undefined;
  }
  await admin.close();
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return {
    url: url.toString(),
    drop: async () => {
      const again = new Sequelize(serverUrl, { logging: false });
      await again.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await again.close();
    },
  };
}

/** Runs the bench and returns its figures (the bench runner may call this directly). */
export async function runStoreThroughputBench(argv: string[] = []) {
  const options = parseArgs(argv);
  const directory = mkdtempSync(join(tmpdir(), 'osa-store-bench-'));
  const results: StoreThroughputResult[] = [];
  try {
    const sqlite = new Sequelize({
      dialect: 'sqlite',
      storage: join(directory, 'bench.sqlite'),
      logging: false,
    });
    results.push(await benchDatabase('sqlite (file)', sqlite, options, join(directory, 'spool')));
    await sqlite.close();
    const pg = options.sqliteOnly ? undefined : await postgresDatabase(options.postgresUrl);
    if (pg) {
      const postgres = new Sequelize(pg.url, { logging: false });
      try {
        results.push(
          await benchDatabase('postgresql', postgres, options, join(directory, 'spool')),
        );
      } finally {
        await postgres.close();
        await pg.drop();
      }
    }
    const handOff = await handOffCost(join(directory, 'spool-handoff'));
    return { results, handOff };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

function report(
  results: StoreThroughputResult[],
  handOff: { onEndNs: number; directNs: number },
): string {
  const rows = results.map((r) => [
    r.database,
    String(r.records),
    r.rawPerSecond.toFixed(0),
    r.processorPerSecond.toFixed(0),
    `${(r.ratio * 100).toFixed(0)}%`,
    r.ratio >= 0.7 ? 'yes' : 'NO',
  ]);
  return [
    '## Audit store throughput',
    '',
    'Records persisted per second (median of rounds): the AuditSpanProcessor (hashing, batching, idempotent insert) against the fastest raw multi-row INSERT of the same rows into an identical table, in the same run; the ratio is the median of the per-round ratios.',
    '',
    markdownTable(
      ['database', 'records/round', 'raw rows/s', 'processor rows/s', 'processor / raw', '>= 70%'],
      rows,
    ),
    '',
    markdownTable(
      ['hand-off path', 'ns per record', '< 5 µs'],
      [
        ['onEnd(audit span)', handOff.onEndNs.toFixed(0), handOff.onEndNs < 5000 ? 'yes' : 'NO'],
        [
          'receiveAuditEvent(event)',
          handOff.directNs.toFixed(0),
          handOff.directNs < 5000 ? 'yes' : 'NO',
        ],
      ],
    ),
    '',
  ].join('\n');
}

if (require.main === module) {
  runStoreThroughputBench(process.argv.slice(2))
    .then(({ results, handOff }) => {
      const json = process.argv.includes('--json');
      process.stdout.write(
        json ? `${JSON.stringify({ results, handOff }, null, 2)}\n` : report(results, handOff),
      );
    })
    .catch((error: unknown) => {
      process.stderr.write(
        `store-throughput: failed: ${error instanceof Error ? error.stack : String(error)}\n`,
      );
      process.exitCode = 1;
    });
}
