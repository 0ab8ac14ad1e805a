import type { BareSpanCost, BenchDialect, ChildResult, ConfigurationId } from './protocol';
import type { Spread } from './stats';
import { spreadOf } from './stats';

/** One configuration on one database, over all rounds of the run. */
export type ConfigurationFigures =
  | {
      status: 'ok';
      rounds: number;
      /** Rounds that did not run although others did, and why the first of them did not. */
      missedRounds: number;
      missedReason?: string;
      /** µs per operation by workload: wall time and process CPU time. */
      micros: Map<string, Spread>;
      cpuMicros: Map<string, Spread>;
      /** Median over the rounds: all spans, and audit spans among them. */
      spansPerOp: Map<string, { all: number; audit: number }>;
      /** The largest over the rounds. */
      peakRssBytes: number;
      peakHeapBytes: number;
      bareSpans: BareSpanCost[];
    }
  | { status: 'unavailable' | 'failed'; reason: string };

export function aggregate(
  results: readonly ChildResult[],
  dialect: BenchDialect,
  configuration: ConfigurationId,
): ConfigurationFigures {
  const mine = results.filter(
    (result) => result.job.dialect === dialect && result.job.configuration === configuration,
  );
  const succeeded = mine.flatMap((result) => (result.status === 'ok' ? [result] : []));
  const firstMissed = mine.find((result) => result.status !== 'ok');
  if (succeeded.length === 0) {
    const first = firstMissed;
    return first
      ? { status: first.status, reason: first.reason }
      : { status: 'failed', reason: 'no round ran' };
  }
  const micros = new Map<string, Spread>();
  const cpuMicros = new Map<string, Spread>();
  const spansPerOp = new Map<string, { all: number; audit: number }>();
  for (const { workload } of succeeded[0].samples) {
    const samples = succeeded.flatMap((result) =>
      result.samples.filter((sample) => sample.workload === workload),
    );
    micros.set(workload, spreadOf(samples.map((sample) => sample.microsPerOp)));
    cpuMicros.set(workload, spreadOf(samples.map((sample) => sample.cpuMicrosPerOp)));
    spansPerOp.set(workload, {
      all: spreadOf(samples.map((sample) => sample.spansPerOp)).median,
      audit: spreadOf(samples.map((sample) => sample.auditSpansPerOp)).median,
    });
  }
  return {
    status: 'ok',
    rounds: succeeded.length,
    missedRounds: mine.length - succeeded.length,
    missedReason: firstMissed && `${firstMissed.status}: ${firstMissed.reason}`,
    micros,
    cpuMicros,
    spansPerOp,
    peakRssBytes: Math.max(...succeeded.map((result) => result.peakRssBytes)),
    peakHeapBytes: Math.max(...succeeded.map((result) => result.peakHeapBytes)),
    bareSpans: succeeded.flatMap((result) => (result.bareSpan ? [result.bareSpan] : [])),
  };
}

/** Every configuration's figures on one database, in table order. */
export type DialectFigures = Map<ConfigurationId, ConfigurationFigures>;

/** Wall-clock time, or the process's CPU time. */
export type Clock = 'wall' | 'cpu';

/** The median µs per operation of a workload, when the configuration ran. */
export function medianOf(
  figure: ConfigurationFigures | undefined,
  workload: string,
  clock: Clock = 'wall',
): number | undefined {
  if (figure?.status !== 'ok') return undefined;
  return (clock === 'wall' ? figure.micros : figure.cpuMicros).get(workload)?.median;
}
