/*
 * One configuration and one workload, counted by valgrind: identical set-up and warm-up, then
 * `operations` timed calls between full garbage collections, then (part `all`) the batched
 * work flushed. Started by instructions/run.ts with the job as JSON in argv[2].
 */
import type { Attributes, Tracer } from '@opentelemetry/api';
import type * as SequelizeModule from 'sequelize';
import { openBenchDatabase } from '../bench-database';
import { installTelemetry } from '../telemetry';
import { WORKLOADS } from '../workloads';
import type { Operation } from '../workloads';
import { floorSpansOf, installedOf } from './protocol';
import type { InstructionChildReport, InstructionJob } from './protocol';

const FLOOR_ATTRIBUTES: Attributes = {
  'db.system.name': 'sqlite',
  'db.namespace': ':memory:',
  'db.operation.name': 'SELECT',
  'db.collection.name': 'bench_users',
  'db.query.summary': 'SELECT bench_users',
  'db.query.text': 'SELECT * FROM bench_users WHERE id = ?',
  'server.address': 'localhost',
  'code.function.name': 'BenchUser.findByPk',
};

/** The operation inside `depth` nested active spans of eight attributes each. */
function withBareSpans(operation: Operation, tracer: Tracer, depth: number): Operation {
  if (depth === 0) return operation;
  const inner = withBareSpans(operation, tracer, depth - 1);
  return (index) =>
    tracer.startActiveSpan('floor', { attributes: FLOOR_ATTRIBUTES }, async (span) => {
      try {
        return await inner(index);
      } finally {
        span.end();
      }
    });
}

function fullGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run the instruction child with node --expose-gc');
  gc();
  gc();
}

/** Ends the process at once: no exit handler (and no batched work) runs after the count. */
function endNow(): never {
  const really = (process as unknown as { reallyExit?: (code: number) => never }).reallyExit;
  if (really) really(0);
  process.exit(0);
}

async function run(job: InstructionJob): Promise<InstructionChildReport> {
  const workload = WORKLOADS.find((candidate) => candidate.name === job.workload);
  if (!workload) throw new Error(`unknown workload "${job.workload}"`);
  const telemetry = installTelemetry(installedOf(job.configuration), 'count');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const library = require('sequelize') as typeof SequelizeModule;
  const db = await telemetry.setUp(() =>
    openBenchDatabase(library, { dialect: 'sqlite', url: undefined }),
  );
  const prepared = await telemetry.setUp(() => workload.prepare(db, job.warmUp + job.operations));
  const depth = floorSpansOf(job.configuration);
  const operation = telemetry.tracer ? withBareSpans(prepared, telemetry.tracer, depth) : prepared;
  for (let index = 0; index < job.warmUp; index++) await operation(index);
  await telemetry.flush();
  fullGc();
  const spansBefore = telemetry.spansEnded();
  const auditBefore = telemetry.auditSpansEnded();
  const end = job.warmUp + job.operations;
  for (let index = job.warmUp; index < end; index++) await operation(index);
  fullGc();
  const report = {
    spans: telemetry.spansEnded() - spansBefore,
    auditSpans: telemetry.auditSpansEnded() - auditBefore,
  };
  if (job.part === 'all') {
    await telemetry.flush();
    fullGc();
  }
  return report;
}

run(JSON.parse(process.argv[2] ?? '') as InstructionJob).then(
  (report) => {
    process.stdout.write(`${JSON.stringify(report)}\n`, () => endNow());
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
