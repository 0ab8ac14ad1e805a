import type { Tracer } from '@opentelemetry/api';
import type { BenchDatabase } from './bench-database';
import type { BareSpanCost, WorkloadSample } from './protocol';
import { spreadOf } from './stats';
import type { Telemetry } from './telemetry';
import type { Workload } from './workloads';

/** Untimed calls before the timed ones: JIT, statement caches and pools settle first. */
function warmUpCalls(iterations: number): number {
  return Math.max(10, Math.ceil(iterations / 5));
}

export function iterationsOf(workload: Workload, baseIterations: number): number {
  return Math.max(2, Math.round(baseIterations * workload.weight));
}

/**
 * Runs one workload: warm-up, then the timed calls one after another, then lets the
 * telemetry's batched work finish outside the timed region so the next workload starts clean.
 */
export async function measureWorkload(
  workload: Workload,
  db: BenchDatabase,
  telemetry: Telemetry,
  baseIterations: number,
): Promise<WorkloadSample> {
  const iterations = iterationsOf(workload, baseIterations);
  const warmUp = warmUpCalls(iterations);
  const operation = await workload.prepare(db, warmUp + iterations);
  await telemetry.flush();
  for (let index = 0; index < warmUp; index++) await operation(index);
  await telemetry.flush();

  const spansBefore = telemetry.spansEnded();
  const auditSpansBefore = telemetry.auditSpansEnded();
  const wallMicros: number[] = [];
  const cpuMicros: number[] = [];
  for (const [first, end] of chunksOf(warmUp, iterations)) {
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    for (let index = first; index < end; index++) await operation(index);
    wallMicros.push(Number(process.hrtime.bigint() - start) / 1000 / (end - first));
    const cpu = process.cpuUsage(cpuStart);
    cpuMicros.push((cpu.user + cpu.system) / (end - first));
  }
  const spans = telemetry.spansEnded() - spansBefore;
  const auditSpans = telemetry.auditSpansEnded() - auditSpansBefore;

  await telemetry.flush();
  return {
    workload: workload.name,
    iterations,
    microsPerOp: spreadOf(wallMicros).median,
    cpuMicrosPerOp: spreadOf(cpuMicros).median,
    spansPerOp: spans / iterations,
    auditSpansPerOp: auditSpans / iterations,
  };
}

const CHUNKS = 5;

/**
 * The timed calls in consecutive chunks, as [first, end) index ranges. The median of the
 * chunks' means resists a burst of load from other processes on a shared machine better than
 * one mean over all calls, while each chunk still pays its share of garbage collection.
 */
function chunksOf(first: number, iterations: number): Array<[number, number]> {
  const count = Math.min(CHUNKS, iterations);
  return Array.from({ length: count }, (_, chunk) => [
    first + Math.floor((chunk * iterations) / count),
    first + Math.floor(((chunk + 1) * iterations) / count),
  ]);
}

const BARE_SPANS = 20_000;
const SPANS_PER_TURN = 100;

/**
 * The cost of one started-and-ended span without attributes: the floor that any design with
 * one span per query pays. The loop yields to the event loop every few spans so that the
 * batch processor's export runs (and is paid for) as it would in an application.
 */
export async function measureBareSpan(tracer: Tracer): Promise<BareSpanCost> {
  const run = async (count: number): Promise<BareSpanCost> => {
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    for (let made = 0; made < count; made += SPANS_PER_TURN) {
      for (let index = 0; index < SPANS_PER_TURN; index++) tracer.startSpan('bare').end();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const wallMicros = Number(process.hrtime.bigint() - start) / 1000 / count;
    const cpu = process.cpuUsage(cpuStart);
    return { wallMicros, cpuMicros: (cpu.user + cpu.system) / count };
  };
  await run(BARE_SPANS / 10);
  return run(BARE_SPANS);
}

/** Tracks the largest heap in use among the samples taken. */
export class HeapPeak {
  bytes = 0;

  sample(): void {
    this.bytes = Math.max(this.bytes, process.memoryUsage().heapUsed);
  }
}
