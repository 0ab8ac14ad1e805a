/*
 * npm run bench [-- options]: what users pay for the instrumentation, as ratios against a
 * baseline measured in the same run. See bench/README.md.
 */
import { writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { runChild } from './child-runner';
import { describeEnvironment, loadAverages } from './environment';
import type { ExtraBench } from './extra-benches';
import { runExtraBenches } from './extra-benches';
import type { PlanOptions } from './plan';
import { planJobs } from './plan';
import type { BenchPostgres } from './postgres-database';
import { createBenchPostgres } from './postgres-database';
import type { BenchDialect, ChildJob, ChildResult, ConfigurationId } from './protocol';
import { CONFIGURATION_IDS } from './protocol';
import { renderReport } from './report';
import { WORKLOADS } from './workloads';

interface CliOptions {
  quick: boolean;
  iterations?: number;
  rounds?: number;
  sqliteOnly: boolean;
  postgresUrl: string;
  only: ConfigurationId[];
  output?: string;
  store: boolean;
  query: boolean;
  childTimeout: number;
  sourceMaps: boolean;
}

const FULL = { iterations: 500, rounds: 5 };
const QUICK = { iterations: 100, rounds: 3 };

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) {
    throw new InvalidArgumentError(`"${value}" is not a whole number of at least 1.`);
  }
  return parsed;
}

function configurationList(value: string): ConfigurationId[] {
  const ids = value.split(',').map((id) => id.trim());
  const unknown = ids.filter((id) => !(CONFIGURATION_IDS as readonly string[]).includes(id));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(
      `unknown configuration "${unknown.join(', ')}"; choose from ${CONFIGURATION_IDS.join(', ')}.`,
    );
  }
  return ids as ConfigurationId[];
}

function parseOptions(argv: string[]): CliOptions {
  return new Command('bench')
    .description('Sequelize overhead per configuration, side by side with plain Sequelize')
    .option(
      '--quick',
      `short run for routine checks (${QUICK.iterations} iterations, ${QUICK.rounds} rounds)`,
      false,
    )
    .option(
      '--iterations <n>',
      `timed calls of a light workload per round (full: ${FULL.iterations})`,
      positiveInteger,
    )
    .option(
      '--rounds <n>',
      `rounds, each running every configuration once (full: ${FULL.rounds})`,
      positiveInteger,
    )
    .option('--sqlite-only', 'skip PostgreSQL', false)
    .addOption(
      new Option(
        '--postgres-url <url>',
        'PostgreSQL server; the bench makes and drops a database of its own',
      )
        .env('AUDIT_BENCH_POSTGRES_URL')
        .default(process.env.AUDIT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'),
    )
    .option(
      '--only <ids>',
      `configurations to run (${CONFIGURATION_IDS.join(',')})`,
      configurationList,
      [...CONFIGURATION_IDS],
    )
    .option('--output <file>', 'also write the report to this file')
    .option(
      '--source-maps',
      'run the children with source maps on (node --enable-source-maps)',
      false,
    )
    .option('--store', 'then run the audit store throughput bench', false)
    .option('--query', 'then run the audit query bench', false)
    .option('--child-timeout <seconds>', 'give up on a child after this long', positiveInteger, 600)
    .parse(argv)
    .opts<CliOptions>();
}

async function preparePostgres(
  options: CliOptions,
  notes: string[],
): Promise<BenchPostgres | undefined> {
  if (options.sqliteOnly) return undefined;
  try {
    return await createBenchPostgres(options.postgresUrl);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    notes.push(`PostgreSQL skipped: ${reason} (server ${options.postgresUrl}).`);
    process.stderr.write(`bench: PostgreSQL skipped: ${reason}\n`);
    return undefined;
  }
}

async function runJobs(jobs: ChildJob[], timeoutMs: number): Promise<ChildResult[]> {
  const results: ChildResult[] = [];
  for (const [index, job] of jobs.entries()) {
    const started = process.hrtime.bigint();
    const result = await runChild(job, timeoutMs);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    process.stderr.write(
      `bench: [${index + 1}/${jobs.length}] ${job.dialect} ${job.configuration}: ` +
        `${result.status} in ${seconds.toFixed(1)} s\n`,
    );
    if (result.status === 'failed') process.stderr.write(`${result.reason}\n`);
    results.push(result);
  }
  return results;
}

function runNotes(options: CliOptions, rounds: number, iterations: number): string[] {
  const custom = options.iterations !== undefined || options.rounds !== undefined;
  const kind = custom ? 'custom' : options.quick ? 'quick' : 'full';
  return [
    `${kind} run: ${rounds} round(s), ${iterations} timed calls per light workload and round`,
    `source maps ${options.sourceMaps ? 'on (--source-maps)' : 'off'} in the measured processes`,
  ];
}

/** Runs every planned child against a bench database of our own, dropped however the run ends. */
async function measureAll(
  options: CliOptions,
  plan: Omit<PlanOptions, 'dialects' | 'postgresUrl'>,
  notes: string[],
): Promise<{ dialects: BenchDialect[]; results: ChildResult[] }> {
  const postgres = await preparePostgres(options, notes);
  const dialects: BenchDialect[] = postgres ? ['sqlite', 'postgres'] : ['sqlite'];
  const stopOnSignal = (): void => {
    void (postgres?.drop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  try {
    const jobs = planJobs({ ...plan, dialects, postgresUrl: postgres?.url });
    return { dialects, results: await runJobs(jobs, options.childTimeout * 1000) };
  } finally {
    process.removeListener('SIGINT', stopOnSignal);
    await postgres?.drop();
  }
}

function runAskedForExtras(options: CliOptions): boolean {
  const extras: ExtraBench[] = [
    ...(options.store ? ['store' as const] : []),
    ...(options.query ? ['query' as const] : []),
  ];
  return runExtraBenches(extras, [
    ...(options.quick ? ['--quick'] : []),
    ...(options.sqliteOnly ? ['--sqlite-only'] : ['--postgres-url', options.postgresUrl]),
  ]);
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv);
  const preset = options.quick ? QUICK : FULL;
  const iterations = options.iterations ?? preset.iterations;
  const rounds = options.rounds ?? preset.rounds;
  const environment = describeEnvironment();
  const notes = runNotes(options, rounds, iterations);
  const { dialects, results } = await measureAll(
    options,
    { configurations: options.only, rounds, iterations, sourceMaps: options.sourceMaps },
    notes,
  );
  notes.push(`load average at end (1/5/15 min): ${loadAverages()}`);
  const report = renderReport({
    environment,
    notes,
    dialects,
    configurations: options.only,
    workloads: WORKLOADS.map((workload) => workload.name),
    results,
  });
  process.stdout.write(`${report}\n`);
  if (options.output) writeFileSync(options.output, `${report}\n`);
  const extrasPassed = runAskedForExtras(options);
  const failed = results.filter((result) => result.status === 'failed').length;
  if (failed > 0) process.stderr.write(`bench: ${failed} child run(s) failed; see above.\n`);
  return failed === 0 && extrasPassed ? 0 : 1;
}

const entry = process.argv.includes('--instructions')
  ? import('./instructions/run').then(({ runInstructionBench }) =>
      runInstructionBench(process.argv),
    )
  : main();

entry.then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
