/**
 * npm run test:sequelize-suite [-- --postgres] [--archive PATH] [--suites unit,integration]
 *                                 [--no-build] [--keep]
 *
 * Runs Sequelize v6.37.8's own unit and integration suites on SQLite (and with --postgres on
 * PostgreSQL) once without and once with this package preloaded (tracing, audit and an
 * AuditSpanProcessor into a JSONL store), and reports every test whose outcome differs.
 * Exits 1 on a regression (a test that passed without the package and did not with it, the
 * known flaky ones aside) or when the package produced no spans or audit records (then it did
 * not patch the suite's Sequelize and the comparison proves nothing).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { compareOutcomes, tally } from './compare';
import type { OutcomeDifference } from './compare';
import { layOutSuite } from './layout';
import { createSuiteDatabase } from './postgres-database';
import { runMocha } from './run-mocha';
import type { MochaRun } from './run-mocha';

const REPOSITORY = resolve(__dirname, '..', '..');
const DEFAULT_ARCHIVE = resolve(REPOSITORY, '..', 'shared', 'upstream', 'sequelize-6.37.8.tar.gz');
const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const ERROR_LINES = 12;
/** The package under test: the build, unless SEQUELIZE_SUITE_PACKAGE names another entry. */
const packageEntry = resolve(
  process.env.SEQUELIZE_SUITE_PACKAGE ?? join(REPOSITORY, 'build', 'src', 'index.js'),
);

const log = (line: string) => process.stderr.write(`${line}\n`);

interface SuiteReport {
  dialect: string;
  suite: string;
  without: ReturnType<typeof tally>;
  with: ReturnType<typeof tally>;
  counts: MochaRun['counts'];
  differences: OutcomeDifference[];
  unpatched: boolean;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      archive: { type: 'string' },
      postgres: { type: 'boolean', default: false },
      'postgres-url': { type: 'string' },
      suites: { type: 'string', default: 'unit,integration' },
      'no-build': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
    },
  });
  const archive = resolve(values.archive ?? process.env.SEQUELIZE_SUITE_ARCHIVE ?? DEFAULT_ARCHIVE);
  const suites = values.suites.split(',').map((suite) => suite.trim());
  for (const suite of suites) {
    if (suite !== 'unit' && suite !== 'integration') {
      throw new Error(`--suites takes unit and/or integration, comma-separated; got "${suite}"`);
    }
  }
  if (!existsSync(archive)) {
    throw new Error(
      `Sequelize archive not found at ${archive}; pass --archive PATH or set SEQUELIZE_SUITE_ARCHIVE`,
    );
  }
  if (!values['no-build']) {
    log('building the package (tsc -p tsconfig.build.json; skip with --no-build)');
    execFileSync(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: REPOSITORY,
        stdio: 'inherit',
      },
    );
  }
  const layout = layOutSuite(archive, log);
  log(`suite laid out in ${layout.sequelize}`);
  const reports: SuiteReport[] = [];
  const dialects = values.postgres ? ['sqlite', 'postgres'] : ['sqlite'];
  for (const dialect of dialects) {
    for (const suite of suites) {
      reports.push(await compareSuite(layout.root, layout.sequelize, dialect, suite, values));
    }
  }
  writeFileSync(join(layout.root, 'report.json'), JSON.stringify(reports, null, 2));
  const failed = printReport(reports);
  if (values.keep || failed) log(`logs, results and report.json kept in ${layout.root}`);
  else rmSync(layout.root, { recursive: true, force: true });
  return failed ? 1 : 0;
}

async function compareSuite(
  root: string,
  sequelize: string,
  dialect: string,
  suite: string,
  values: { 'postgres-url'?: string },
): Promise<SuiteReport> {
  const run = async (instrumented: boolean): Promise<MochaRun> => {
    const label = `${dialect}-${suite}-${instrumented ? 'with' : 'without'}`;
    let env: NodeJS.ProcessEnv = { ...process.env };
    const database =
      dialect === 'postgres'
        ? await createSuiteDatabase(
            values['postgres-url'] ??
              process.env.SEQUELIZE_SUITE_POSTGRES_URL ??
              DEFAULT_POSTGRES_URL,
            label.replace(/-/g, '_'),
          )
        : undefined;
    if (database) env = { ...env, ...database.env };
    if (instrumented) {
      env.SEQUELIZE_SUITE_PACKAGE = packageEntry;
      env.SEQUELIZE_SUITE_STORE = join(root, `${label}.audit.jsonl`);
    }
    log(`${label}: running`);
    try {
      return await runMocha({
        sequelize,
        suite,
        dialect,
        env,
        preload: instrumented
          ? { require: join(__dirname, 'preload.cjs'), file: join(__dirname, 'root-hooks.cjs') }
          : undefined,
        resultPath: join(root, `${label}.result.json`),
        countsPath: instrumented ? join(root, `${label}.counts.json`) : undefined,
        logPath: join(root, `${label}.log`),
      });
    } finally {
      await database?.drop();
    }
  };
  const without = await run(false);
  const withPackage = await run(true);
  const counts = withPackage.counts;
  // The unit suite mostly sends no statements; the integration suite must show the package.
  const unpatched =
    suite === 'integration' && (!counts || counts.querySpans === 0 || counts.storedRecords === 0);
  return {
    dialect,
    suite,
    without: tally(without.outcomes),
    with: tally(withPackage.outcomes),
    counts,
    differences: compareOutcomes(without.outcomes, withPackage.outcomes),
    unpatched,
  };
}

function printReport(reports: readonly SuiteReport[]): boolean {
  let failed = false;
  for (const report of reports) {
    const name = `${report.dialect} ${report.suite}`;
    const regressions = report.differences.filter((difference) => difference.regression);
    console.log(`\n== ${name}`);
    console.log(`   without the package: ${format(report.without)}`);
    console.log(`   with the package:    ${format(report.with)}`);
    const c = report.counts;
    console.log(
      c
        ? `   package output: ${c.spans} spans (${c.querySpans} query spans), ${c.auditSpans} audit spans, ` +
            `${c.storedRecords} audit records in the store${c.flushed ? '' : ' (final flush did not settle)'}`
        : '   package output: no counts were written (the preload did not run?)',
    );
    if (report.unpatched) {
      failed = true;
      console.log(
        '   FAIL: the package produced no query spans or no audit records: it did not patch this Sequelize',
      );
    }
    for (const difference of report.differences) {
      const tag = difference.regression ? 'REGRESSION' : 'differs';
      console.log(`   ${tag}: ${difference.title}  [${difference.without} -> ${difference.with}]`);
      if (difference.error) {
        const lines = difference.error.split('\n').slice(0, ERROR_LINES);
        for (const line of lines) console.log(`      ${line}`);
      }
    }
    console.log(
      `   ${regressions.length} regression(s), ${report.differences.length} difference(s)`,
    );
    if (regressions.length > 0) failed = true;
  }
  console.log(failed ? '\nsequelize-suite: FAILED' : '\nsequelize-suite: no regressions');
  return failed;
}

function format(counts: ReturnType<typeof tally>): string {
  return `${counts.passed} passed, ${counts.failed} failed, ${counts.pending} pending`;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
