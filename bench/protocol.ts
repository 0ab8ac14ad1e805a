/*
 * What the bench runner (run.ts) and its child processes (child.ts) say to each other.
 * Each configuration runs in a child of its own so that one configuration's patches, heap
 * and JIT state never leak into another's measurement.
 */

/** The configurations compared in one run, in table order. */
export const CONFIGURATION_IDS = [
  'plain',
  'plain-aa',
  'sdk',
  'official',
  'ours-tracing',
  'ours-audit',
] as const;
export type ConfigurationId = (typeof CONFIGURATION_IDS)[number];

export type BenchDialect = 'sqlite' | 'postgres';

/** One child's assignment: one configuration on one database for one round. */
export interface ChildJob {
  configuration: ConfigurationId;
  /** Which round of the run, from 0: figures of one round are compared with each other. */
  round: number;
  dialect: BenchDialect;
  /** Connection URL of the bench's own database (PostgreSQL); unused for SQLite in memory. */
  url?: string;
  /** Timed iterations of a workload of weight 1. */
  iterations: number;
  /** Measure the cost of one bare span too (only meaningful where the SDK is installed). */
  measureBareSpan: boolean;
  /** Source maps on (as with node --enable-source-maps), for the stack traces Sequelize reads. */
  sourceMaps: boolean;
}

/** One workload's figures from one child. */
export interface WorkloadSample {
  workload: string;
  iterations: number;
  /** Wall time per operation in microseconds: the median of the means of 5 chunks of calls. */
  microsPerOp: number;
  /**
   * CPU time of the whole process (all threads, user + system) per operation, in
   * microseconds, the same way. Steadier than wall time while other processes compete for the
   * cores, and it holds all the instrumentation's own cost (the database server's is not in it).
   */
  cpuMicrosPerOp: number;
  /** Spans ended per operation (0 without an SDK). */
  spansPerOp: number;
  /** Audit spans among them. */
  auditSpansPerOp: number;
}

/** Microseconds of wall time and of process CPU time for one bare span. */
export interface BareSpanCost {
  wallMicros: number;
  cpuMicros: number;
}

export interface ChildSuccess {
  status: 'ok';
  job: ChildJob;
  samples: WorkloadSample[];
  /** Peak resident set size of the child, in bytes. */
  peakRssBytes: number;
  /** Largest heap in use seen after any workload, in bytes. */
  peakHeapBytes: number;
  /** One started-and-ended span with no attributes, when measured. */
  bareSpan?: BareSpanCost;
}

/** The configuration cannot be measured in this checkout (e.g. its instrumentation makes no span). */
export interface ChildUnavailable {
  status: 'unavailable';
  job: ChildJob;
  reason: string;
}

export interface ChildFailure {
  status: 'failed';
  job: ChildJob;
  reason: string;
}

export type ChildResult = ChildSuccess | ChildUnavailable | ChildFailure;
