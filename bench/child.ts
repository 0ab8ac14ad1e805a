/*
 * One configuration on one database, in a process of its own. Started by run.ts with the job
 * as JSON in argv[2]; answers with one ChildResult message over IPC.
 */
import type * as SequelizeModule from 'sequelize';
import { openBenchDatabase } from './bench-database';
import { isPlain } from './configurations';
import { HeapPeak, measureBareSpan, measureWorkload } from './measure';
import type { BareSpanCost, ChildJob, ChildResult, ChildSuccess, WorkloadSample } from './protocol';
import { installTelemetry } from './telemetry';
import { WORKLOADS } from './workloads';

async function runJob(job: ChildJob): Promise<ChildResult> {
  // tsx turns source maps on. With them, every `error.stack` read maps each frame, and
  // Sequelize reads one per query (its errForStack): this package's TypeScript sources would
  // pay more than the others' compiled JavaScript. Off unless asked for, as in an
  // application run from compiled JavaScript without --enable-source-maps.
  process.setSourceMapsEnabled(job.sourceMaps);
  const telemetry = installTelemetry(job.configuration);
  // Required only now, after the instrumentation (if any) is enabled, as in an application.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const library = require('sequelize') as typeof SequelizeModule;
  const db = await openBenchDatabase(library, { dialect: job.dialect, url: job.url });
  const heap = new HeapPeak();
  const samples: WorkloadSample[] = [];
  try {
    for (const workload of WORKLOADS) {
      samples.push(await measureWorkload(workload, db, telemetry, job.iterations));
      heap.sample();
    }
  } finally {
    await db.sequelize.close();
  }
  const bareSpan =
    job.measureBareSpan && telemetry.tracer ? await measureBareSpan(telemetry.tracer) : undefined;
  await telemetry.shutdown();
  return noSpansAtAll(job, samples) ?? success(job, samples, heap, bareSpan);
}

/** An instrumentation that makes no span at all is not written yet in this checkout. */
function noSpansAtAll(job: ChildJob, samples: WorkloadSample[]): ChildResult | undefined {
  const instrumented = !isPlain(job.configuration) && job.configuration !== 'sdk';
  if (!instrumented || samples.some((sample) => sample.spansPerOp > 0)) return undefined;
  return { status: 'unavailable', job, reason: 'made no spans: tracing not in this checkout yet' };
}

function success(
  job: ChildJob,
  samples: WorkloadSample[],
  heap: HeapPeak,
  bareSpan: BareSpanCost | undefined,
): ChildSuccess {
  return {
    status: 'ok',
    job,
    samples,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    peakHeapBytes: heap.bytes,
    bareSpan,
  };
}

function send(result: ChildResult): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) throw new Error('bench/child.ts runs only as a child of bench/run.ts');
    process.send(result, () => resolve());
  });
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '') as ChildJob;
  try {
    await send(await runJob(job));
  } catch (error) {
    const reason = error instanceof Error ? (error.stack ?? error.message) : String(error);
    await send({ status: 'failed', job, reason });
  }
  process.exit(0);
}

void main();
