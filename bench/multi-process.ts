/*
 * Several application processes, each with its own AuditSpanProcessor (its own hash-chain
 * stream), writing into one PostgreSQL store: aggregate records per second for 1, 2, 4 and 8
 * processes.
 *
 *   tsx bench/multi-process.ts [--quick] [--records N] [--processes 1,2,4,8] [--postgres-url URL]
 *
 * The bench creates `bench_<pid>` on the server (default postgres://postgres@127.0.0.1:5432/test,
 * else AUDIT_BENCH_POSTGRES_URL / AUDIT_TEST_POSTGRES_URL) and drops it at the end. For each
 * process count, one table of its own, shared by all its processes; every process prepares its
 * records, waits for a common start instant, hands them to its processor and flushes. The rate
 * is all records over the interval from the first start to the last flush; afterwards the table
 * must hold every record (no silent loss). Markdown to stdout, progress to stderr.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sequelize } from 'sequelize';
import { AuditSpanProcessor, SqlAuditStore } from '../src';
import { benchEvent } from './audit-bench-event';
import { markdownTable } from './markdown-table';
import { createBenchPostgres } from './postgres-database';

interface ChildJob {
  url: string;
  table: string;
  records: number;
  stream: string;
  /** `Date.now()` at which to start handing records over. */
  startAt: number;
  offset: number;
}

interface ChildResult {
  start: number;
  end: number;
  records: number;
}

async function child(job: ChildJob): Promise<ChildResult> {
  const sequelize = new Sequelize(job.url, { dialect: 'postgres', logging: false });
  const spool = mkdtempSync(join(tmpdir(), 'osa-mp-'));
  try {
    const store = new SqlAuditStore({ sequelize, table: job.table });
    await store.init();
    const processor = new AuditSpanProcessor({
      store,
      spool: { directory: spool },
      streamId: job.stream,
      maxQueueSize: job.records + 1,
      closeStoreOnShutdown: false,
    });
    const events = Array.from({ length: job.records }, (_, i) => {
      const event = benchEvent(job.offset + i);
      return { ...event, eventId: `${job.stream}-${i}` };
    });
    await processor.forceFlush();
    while (Date.now() < job.startAt) await new Promise((resolve) => setTimeout(resolve, 5));
    const start = Date.now();
    for (const event of events) processor.receiveAuditEvent(event);
    await processor.forceFlush();
    const end = Date.now();
    await processor.shutdown();
    return { start, end, records: job.records };
  } finally {
    await sequelize.close();
    rmSync(spool, { recursive: true, force: true });
  }
}

function runChild(job: ChildJob): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const process_ = spawn(
      process.execPath,
      ['--import', 'tsx', __filename, '--child', JSON.stringify(job)],
      { cwd: join(__dirname, '..'), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    process_.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    process_.on('error', reject);
    process_.on('close', (code) => {
      if (code !== 0) return reject(new Error(`a writer process ended with code ${code}`));
      const lines = output.trim().split('\n');
      resolve(JSON.parse(lines[lines.length - 1]) as ChildResult);
    });
  });
}

interface Row {
  processes: number;
  records: number;
  seconds: number;
  perSecond: number;
  stored: number;
}

async function measure(url: string, processes: number, records: number): Promise<Row> {
  const table = `audit_mp_${processes}`;
  const setup = new Sequelize(url, { dialect: 'postgres', logging: false });
  await new SqlAuditStore({ sequelize: setup, table }).init();
  // Room for every process to start and prepare its records before the common instant.
  const startAt = Date.now() + 8000 + 1500 * processes;
  const jobs = Array.from({ length: processes }, (_, index) => ({
    url,
    table,
    records,
    stream: `writer-${processes}-${index}`,
    startAt,
    offset: index * records,
  }));
  process.stderr.write(`multi-process: ${processes} process(es) × ${records} records\n`);
  const results = await Promise.all(jobs.map(runChild));
  const first = Math.min(...results.map((result) => result.start));
  const last = Math.max(...results.map((result) => result.end));
  const [[{ count }]] = (await setup.query(`SELECT count(*) AS count FROM "${table}"`)) as [
    Array<{ count: string }>,
    unknown,
  ];
  await setup.close();
  const total = processes * records;
  const seconds = (last - first) / 1000;
  return { processes, records: total, seconds, perSecond: total / seconds, stored: Number(count) };
}

async function main(): Promise<void> {
  const argv = process.argv;
  const value = (flag: string) => {
    const index = argv.indexOf(flag);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const childAt = argv.indexOf('--child');
  if (childAt >= 0) {
    const result = await child(JSON.parse(argv[childAt + 1]) as ChildJob);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const quick = argv.includes('--quick');
  const records = Number(value('--records') ?? (quick ? 1000 : 5000));
  const counts = (value('--processes') ?? '1,2,4,8').split(',').map(Number);
  const serverUrl =
    value('--postgres-url') ??
    process.env.AUDIT_BENCH_POSTGRES_URL ??
    process.env.AUDIT_TEST_POSTGRES_URL ??
    'postgres://postgres@127.0.0.1:5432/test';
  const postgres = await createBenchPostgres(serverUrl);
  const rows: Row[] = [];
  try {
    for (const processes of counts) rows.push(await measure(postgres.url, processes, records));
  } finally {
    await postgres.drop();
  }
  const single = rows[0]?.perSecond ?? 1;
  const table = markdownTable(
    ['processes', 'records', 'seconds', 'records/s (all processes)', '× one process', 'stored'],
    rows.map((row) => [
      String(row.processes),
      String(row.records),
      row.seconds.toFixed(2),
      row.perSecond.toFixed(0),
      `×${(row.perSecond / single).toFixed(2)}`,
      row.stored === row.records
        ? `${row.stored} (all)`
        : `${row.stored} (MISSING ${row.records - row.stored})`,
    ]),
  );
  process.stdout.write(
    `## Several processes into one PostgreSQL store\n\n${records} records per process, each process its own processor and chain stream.\n\n${table}\n`,
  );
  if (rows.some((row) => row.stored !== row.records)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
