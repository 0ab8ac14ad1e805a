import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One test's outcome in one run. */
export interface TestOutcome {
  state: 'passed' | 'failed' | 'pending';
  error?: string;
}

/** Outcomes keyed by full title (a repeated title gets ` #2`, ` #3`, ...). */
export type SuiteOutcomes = Map<string, TestOutcome>;

/** What the package produced in the instrumented run (see preload.cjs). */
export interface PackageCounts {
  spans: number;
  querySpans: number;
  auditSpans: number;
  storedRecords: number;
  flushed: boolean;
}

export interface MochaRun {
  outcomes: SuiteOutcomes;
  exitCode: number | null;
  counts?: PackageCounts;
}

export interface MochaRunOptions {
  sequelize: string;
  /** `unit` or `integration`. */
  suite: string;
  dialect: string;
  env: NodeJS.ProcessEnv;
  /** Files for `--require` (before the suite's esbuild hook) and `--file`. */
  preload?: { require: string; file: string };
  resultPath: string;
  countsPath?: string;
  logPath: string;
}

interface MochaJsonTest {
  fullTitle: string;
  err?: { message?: string; stack?: string };
}

interface MochaJsonResult {
  passes: MochaJsonTest[];
  failures: MochaJsonTest[];
  pending: MochaJsonTest[];
}

const REPORTER = join(__dirname, 'json-file-reporter.cjs');

/** Runs one of the suite's mocha suites with mocha's JSON reporter; resolves its outcomes. */
export async function runMocha(options: MochaRunOptions): Promise<MochaRun> {
  const mocha = join(options.sequelize, 'node_modules', 'mocha', 'bin', 'mocha');
  const args = [mocha];
  if (options.preload) args.push('--require', options.preload.require);
  args.push('--require', './test/registerEsbuild', '--reporter', REPORTER);
  if (options.preload) args.push('--file', options.preload.file);
  args.push(`test/${options.suite}/**/*.test.[tj]s`);
  const { createWriteStream } = await import('node:fs');
  const log = createWriteStream(options.logPath);
  const child = spawn(process.execPath, args, {
    cwd: options.sequelize,
    env: {
      ...options.env,
      DIALECT: options.dialect,
      SEQUELIZE_SUITE_RESULT: options.resultPath,
      SEQUELIZE_SUITE_COUNTS: options.countsPath ?? '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.on('data', (chunk: Buffer) => {
    log.write(chunk);
    const progress = chunk.toString().replace(/[^.F,]/g, '');
    if (progress) process.stderr.write(progress);
  });
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
  log.end();
  process.stderr.write('\n');
  if (!existsSync(options.resultPath)) {
    throw new Error(
      `mocha wrote no result for the ${options.dialect} ${options.suite} suite (exit ${exitCode}); ` +
        `see ${options.logPath}`,
    );
  }
  const result = JSON.parse(readFileSync(options.resultPath, 'utf8')) as MochaJsonResult;
  const counts =
    options.countsPath && existsSync(options.countsPath)
      ? (JSON.parse(readFileSync(options.countsPath, 'utf8')) as PackageCounts)
      : undefined;
  return { outcomes: outcomesOf(result), exitCode, counts };
}

function outcomesOf(result: MochaJsonResult): SuiteOutcomes {
  const outcomes: SuiteOutcomes = new Map();
  const add = (tests: MochaJsonTest[], state: TestOutcome['state']) => {
    for (const test of tests) {
      const title = stableTitle(test.fullTitle);
      let key = title;
      for (let n = 2; outcomes.has(key); n += 1) key = `${title} #${n}`;
      const error = state === 'failed' ? (test.err?.stack ?? test.err?.message) : undefined;
      outcomes.set(key, { state, error });
    }
  };
  add(result.failures, 'failed');
  add(result.passes, 'passed');
  add(result.pending, 'pending');
  return outcomes;
}

/** Some titles print `new Date()`: the moment is replaced so both runs name the test alike. */
function stableTitle(title: string): string {
  return title.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<date>');
}
