import type { SuiteOutcomes, TestOutcome } from './run-mocha';

/**
 * Tests known to fail now and then without any instrumentation; a difference in them is
 * reported but is not a regression. The SQLITE_BUSY one is named in the archive's notes; the
 * pooling one waits 110 ms for a 100 ms idle timeout, and Sequelize marks it flaky itself.
 */
export const KNOWN_FLAKY_TITLES = [
  'fails with SQLITE_BUSY when retry.match is changed',
  '[MSSQL Flaky] should get new connection beyond idle range',
];

/** One test whose outcome differs between the run without and the run with the package. */
export interface OutcomeDifference {
  title: string;
  without: TestOutcome['state'] | 'not run';
  with: TestOutcome['state'] | 'not run';
  error?: string;
  /** Passed without the package and did not with it (a known flaky test aside). */
  regression: boolean;
}

export function compareOutcomes(
  without: SuiteOutcomes,
  withPackage: SuiteOutcomes,
): OutcomeDifference[] {
  const differences: OutcomeDifference[] = [];
  const titles = new Set([...without.keys(), ...withPackage.keys()]);
  for (const title of titles) {
    const before = without.get(title);
    const after = withPackage.get(title);
    if (before?.state === after?.state) continue;
    const flaky = KNOWN_FLAKY_TITLES.some((known) => title.includes(known));
    differences.push({
      title,
      without: before?.state ?? 'not run',
      with: after?.state ?? 'not run',
      error: after?.error ?? before?.error,
      regression: before?.state === 'passed' && !flaky,
    });
  }
  return differences.sort((a, b) => a.title.localeCompare(b.title));
}

/** Counts by state, for the summary line. */
export function tally(outcomes: SuiteOutcomes): Record<TestOutcome['state'], number> {
  const counts = { passed: 0, failed: 0, pending: 0 };
  for (const { state } of outcomes.values()) counts[state] += 1;
  return counts;
}
