import { fitLine } from './fit';
import type { LineFit } from './fit';
import type { CountedPart, InstructionConfiguration, InstructionJob } from './protocol';
import { countInstructions } from './valgrind';

/** One configuration on one workload, counted at several run lengths. */
export interface Series {
  configuration: InstructionConfiguration;
  workload: string;
  /** Everything, batched work flushed after the timed calls included. */
  all: LineFit;
  /** The application's call path alone (only measured where there is a background writer). */
  call?: LineFit;
  spansPerOp: number;
  auditSpansPerOp: number;
}

export interface SeriesPlan {
  configuration: InstructionConfiguration;
  workload: string;
  warmUp: number;
  lengths: readonly number[];
  /** Count the call path apart from the background work too. */
  splitCallPath: boolean;
}

export interface SeriesRunner {
  script: string;
  workDirectory: string;
  timeoutMs: number;
  onRun(job: InstructionJob, instructions: number, seconds: number): void;
}

interface Counts {
  fit: LineFit;
  spansPerOp: number;
  auditSpansPerOp: number;
}

async function countPart(
  plan: SeriesPlan,
  part: CountedPart,
  runner: SeriesRunner,
): Promise<Counts> {
  const points: Array<[number, number]> = [];
  let spans = 0;
  let auditSpans = 0;
  for (const operations of plan.lengths) {
    const job: InstructionJob = { ...plan, operations, part };
    const started = process.hrtime.bigint();
    const run = await countInstructions(
      runner.script,
      JSON.stringify(job),
      runner.workDirectory,
      runner.timeoutMs,
    );
    runner.onRun(job, run.instructions, Number(process.hrtime.bigint() - started) / 1e9);
    points.push([operations, run.instructions]);
    const report = run.report as { spans: number; auditSpans: number };
    spans = report.spans / operations;
    auditSpans = report.auditSpans / operations;
  }
  return { fit: fitLine(points), spansPerOp: spans, auditSpansPerOp: auditSpans };
}

export async function countSeries(plan: SeriesPlan, runner: SeriesRunner): Promise<Series> {
  const all = await countPart(plan, 'all', runner);
  const call = plan.splitCallPath ? await countPart(plan, 'call', runner) : undefined;
  return {
    configuration: plan.configuration,
    workload: plan.workload,
    all: all.fit,
    call: call?.fit,
    spansPerOp: all.spansPerOp,
    auditSpansPerOp: all.auditSpansPerOp,
  };
}
