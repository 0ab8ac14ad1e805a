import type { BenchDialect, ChildJob, ConfigurationId } from './protocol';

export interface PlanOptions {
  dialects: BenchDialect[];
  configurations: ConfigurationId[];
  rounds: number;
  iterations: number;
  postgresUrl?: string;
  sourceMaps: boolean;
}

/**
 * The order children run in: every configuration once per round, interleaved (A B A B),
 * with the starting configuration rotated each round so that none always runs first
 * (right after a database's busiest moment) or last.
 */
export function planJobs(options: PlanOptions): ChildJob[] {
  const jobs: ChildJob[] = [];
  for (let round = 0; round < options.rounds; round++) {
    for (const dialect of options.dialects) {
      for (const configuration of rotate(options.configurations, round)) {
        jobs.push({
          configuration,
          round,
          dialect,
          url: dialect === 'postgres' ? options.postgresUrl : undefined,
          iterations: options.iterations,
          measureBareSpan: configuration === 'sdk',
          sourceMaps: options.sourceMaps,
        });
      }
    }
  }
  return jobs;
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const shift = items.length === 0 ? 0 : by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}
