/*
 * npx tsx bench/memory-bench.ts [--operations N] [--every N]: the heap an application keeps
 * for the instrumentation at steady state. Each configuration runs in a process of its own
 * (SQLite in memory, the time-based batching of a real application, `flush()` every `--every`
 * operations as its timers would), and the heap in use after a full GC is read at checkpoints:
 *
 * - audited writes: `create` of a new row per operation (one audit record each), SDK only
 *   against ours with tracing + audit + processor into a JSON Lines store;
 * - distinct texts: raw SELECTs whose every text differs (literals inlined), SDK only against
 *   ours with tracing: what would grow if anything were cached per statement text.
 *
 * Heap in use is `process.memoryUsage().heapUsed`; the SQLite database itself lives outside
 * the JavaScript heap. See bench/README.md, "Memory".
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundleForNode } from './bundle';
import type * as SequelizeModule from 'sequelize';
import { Command } from 'commander';
import { openBenchDatabase } from './bench-database';
import type { BenchDatabase } from './bench-database';
import { markdownTable } from './markdown-table';
import { installTelemetry } from './telemetry';
import type { InstalledConfiguration } from './telemetry';

const MEMORY_WORKLOADS = {
  'audited writes': {
    configurations: ['sdk', 'ours-audit'] as InstalledConfiguration[],
    run: (db: BenchDatabase, index: number) =>
      db.User.create({
        name: `new ${index}`,
        email: `n${index}@example.com`,
        tier: 7,
        score: index,
      }),
  },
  'distinct texts': {
    configurations: ['sdk', 'ours-tracing'] as InstalledConfiguration[],
    run: (db: BenchDatabase, index: number) =>
      db.sequelize.query(
        `SELECT id, name FROM bench_users WHERE id = ${1 + (index % db.seedRows)} AND score >= ${index}`,
        { type: db.library.QueryTypes.SELECT },
      ),
  },
} as const;
type MemoryWorkload = keyof typeof MEMORY_WORKLOADS;

interface ChildJob {
  configuration: InstalledConfiguration;
  workload: MemoryWorkload;
  operations: number;
  every: number;
  checkpoints: number;
}

interface ChildReport {
  /** [operations done, heap used in bytes after a full GC], the first after the warm-up. */
  heap: Array<[number, number]>;
  rss: number;
}

function fullGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run the memory child with node --expose-gc');
  gc();
  gc();
}

async function child(job: ChildJob): Promise<ChildReport> {
  const telemetry = installTelemetry(job.configuration, 'clock');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const library = require('sequelize') as typeof SequelizeModule;
  const db = await telemetry.setUp(() =>
    openBenchDatabase(library, { dialect: 'sqlite', url: undefined }),
  );
  const operation = MEMORY_WORKLOADS[job.workload].run;
  const warmUp = 1000;
  for (let index = 0; index < warmUp; index++) await operation(db, index);
  await telemetry.flush();
  fullGc();
  const heap: Array<[number, number]> = [[0, process.memoryUsage().heapUsed]];
  const step = Math.ceil(job.operations / job.checkpoints);
  for (let done = 0; done < job.operations;) {
    const index = warmUp + done;
    await operation(db, index);
    done += 1;
    if (done % job.every === 0 || done === job.operations) await telemetry.flush();
    if (done % step === 0 || done === job.operations) {
      await telemetry.flush();
      fullGc();
      heap.push([done, process.memoryUsage().heapUsed]);
    }
  }
  const report = { heap, rss: process.memoryUsage().rss };
  await telemetry.shutdown();
  return report;
}

/**
 * This file compiled to one JavaScript file (packages external): run from the TypeScript
 * sources through tsx, every configuration that loads more of them would also keep more of
 * tsx's compiled output and source maps on its heap.
 */
function bundleSelf(): string {
  const directory = join(__dirname, '.tmp');
  mkdirSync(directory, { recursive: true });
  const outfile = join(directory, `memory-child-${process.pid}.js`);
  return bundleForNode(__filename, outfile);
}

function runChild(script: string, job: ChildJob): ChildReport {
  process.stderr.write(`memory: ${job.workload} ${job.configuration} ×${job.operations}\n`);
  const result = spawnSync(
    process.execPath,
    ['--expose-gc', script, '--child', JSON.stringify(job)],
    { cwd: __dirname, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 },
  );
  if (result.status !== 0) {
    throw new Error(`memory child ${job.configuration} failed (${result.signal ?? result.status})`);
  }
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as ChildReport;
}

const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
const signedMib = (bytes: number): string => `${bytes >= 0 ? '+' : '−'}${mib(Math.abs(bytes))}`;

function render(results: Array<{ job: ChildJob; report: ChildReport }>): string {
  const sections: string[] = [];
  for (const workload of Object.keys(MEMORY_WORKLOADS) as MemoryWorkload[]) {
    const ofWorkload = results.filter((entry) => entry.job.workload === workload);
    const sdk = ofWorkload.find((entry) => entry.job.configuration === 'sdk');
    if (!sdk) continue;
    const checkpoints = sdk.report.heap.map(([done]) => done);
    const header = [
      'configuration',
      ...checkpoints.map((done) => `heap MiB after ${done}`),
      'over SDK at the end',
      'growth since first checkpoint',
      'RSS MiB',
    ];
    const rows = ofWorkload.map(({ job, report }) => {
      const last = report.heap[report.heap.length - 1][1];
      const sdkLast = sdk.report.heap[sdk.report.heap.length - 1][1];
      return [
        job.configuration,
        ...report.heap.map(([, bytes]) => mib(bytes)),
        job.configuration === 'sdk' ? '' : signedMib(last - sdkLast),
        signedMib(last - report.heap[0][1]),
        mib(report.rss),
      ];
    });
    sections.push(`### ${workload}\n\n${markdownTable(header, rows)}`);
  }
  return sections.join('\n\n');
}

async function main(): Promise<void> {
  const argv = process.argv;
  const childAt = argv.indexOf('--child');
  if (childAt >= 0) {
    const report = await child(JSON.parse(argv[childAt + 1]) as ChildJob);
    process.stdout.write(`${JSON.stringify(report)}\n`);
    process.exit(0);
  }
  const options = new Command('memory-bench')
    .option('--operations <n>', 'operations after the warm-up', Number, 100_000)
    .option('--every <n>', 'flush batched work every n operations', Number, 1000)
    .option('--checkpoints <n>', 'heap readings after the first', Number, 4)
    .option('--quick', '10,000 operations')
    .parse(argv)
    .opts<{ operations: number; every: number; checkpoints: number; quick?: boolean }>();
  const operations = options.quick ? 10_000 : options.operations;
  const results: Array<{ job: ChildJob; report: ChildReport }> = [];
  const script = bundleSelf();
  try {
    for (const workload of Object.keys(MEMORY_WORKLOADS) as MemoryWorkload[]) {
      for (const configuration of MEMORY_WORKLOADS[workload].configurations) {
        const job = {
          configuration,
          workload,
          operations,
          every: options.every,
          checkpoints: options.checkpoints,
        };
        results.push({ job, report: runChild(script, job) });
      }
    }
  } finally {
    rmSync(script, { force: true });
  }
  process.stdout.write(
    `## Memory: heap in use after a full GC (SQLite in memory, flush every ${options.every} operations)\n\n${render(results)}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
