import type { BareSpanCost, BenchDialect, ChildResult, ConfigurationId } from './protocol';
import type { Spread } from './stats';
import { spreadOf } from './stats';

/** One round's µs per operation of one workload. */
export interface RoundFigures {
  wall: number;
  cpu: number;
}

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
      /** Each round's µs per operation by workload, for comparisons within a round. */
      byRound: Map<string, Map<number, RoundFigures>>;
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
  const byRound = new Map<string, Map<number, RoundFigures>>();
  for (const { workload } of succeeded[0].samples) {
    const rounds = new Map<number, RoundFigures>();
    const samples = succeeded.flatMap((result) => {
      const sample = result.samples.find((candidate) => candidate.workload === workload);
      if (!sample) return [];
      rounds.set(result.job.round, { wall: sample.microsPerOp, cpu: sample.cpuMicrosPerOp });
      return [sample];
    });
    byRound.set(workload, rounds);
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
    byRound,
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

/**
 * How a configuration compares with a reference measured in the same rounds: the median over
 * the rounds of `compare(value, reference)`. Children of one round run minutes apart at most,
 * so a slow drift in the machine's load cancels out of each round's comparison.
 */
function pairedMedian(
  figure: ConfigurationFigures | undefined,
  reference: ConfigurationFigures | undefined,
  workload: string,
  clock: Clock,
  compare: (value: number, base: number) => number,
): number | undefined {
  if (figure?.status !== 'ok' || reference?.status !== 'ok') return undefined;
  const mine = figure.byRound.get(workload);
  const theirs = reference.byRound.get(workload);
  if (!mine || !theirs) return undefined;
  const compared = [...mine].flatMap(([round, value]) => {
    const base = theirs.get(round);
    return base ? [compare(value[clock], base[clock])] : [];
  });
  return compared.length === 0 ? undefined : spreadOf(compared).median;
}

/** µs per operation added over the reference, compared within each round. */
export function addedOver(
  figure: ConfigurationFigures | undefined,
  reference: ConfigurationFigures | undefined,
  workload: string,
  clock: Clock = 'wall',
): number | undefined {
  return pairedMedian(figure, reference, workload, clock, (value, base) => value - base);
}

/** The ratio to the reference, compared within each round. */
export function ratioTo(
  figure: ConfigurationFigures | undefined,
  reference: ConfigurationFigures | undefined,
  workload: string,
  clock: Clock = 'wall',
): number | undefined {
  return pairedMedian(figure, reference, workload, clock, (value, base) => value / base);
}
