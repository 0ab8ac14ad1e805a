/*
 * What the instruction bench's runner and its children (run under valgrind) say to each other.
 */
import type { InstalledConfiguration } from '../telemetry';

/** The configurations of the instruction bench, in table order. */
export const INSTRUCTION_CONFIGURATIONS = [
  'sdk',
  'floor1',
  'floor2',
  'official',
  'ours-tracing',
  'ours-one-span',
  'ours-all-spans',
  'ours-audit',
] as const;
export type InstructionConfiguration = (typeof INSTRUCTION_CONFIGURATIONS)[number];

/**
 * `all`: the totals include the batched work (span export, audit persistence) flushed after
 * the timed operations. `call`: the process ends right after them, before any batched work of
 * theirs ran: what the application's call path alone costs.
 */
export type CountedPart = 'all' | 'call';

export interface InstructionJob {
  configuration: InstructionConfiguration;
  workload: string;
  /** Untimed operations before the counted ones (identical in every run of a series). */
  warmUp: number;
  /** Timed operations: the one figure that differs between the runs of a series. */
  operations: number;
  part: CountedPart;
}

/** What a child prints as its last stdout line. */
export interface InstructionChildReport {
  spans: number;
  auditSpans: number;
}

/** The SDK pieces the configuration installs (floors are the SDK with bare spans around each op). */
export function installedOf(configuration: InstructionConfiguration): InstalledConfiguration {
  return configuration === 'floor1' || configuration === 'floor2' ? 'sdk' : configuration;
}

/** Bare spans wrapped around each operation: what any "N spans per operation" design pays. */
export function floorSpansOf(configuration: InstructionConfiguration): number {
  if (configuration === 'floor1') return 1;
  if (configuration === 'floor2') return 2;
  return 0;
}
