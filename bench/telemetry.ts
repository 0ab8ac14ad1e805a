/*
 * Child side: installs one configuration's OpenTelemetry pieces before Sequelize is first
 * required. Everything is required lazily so that the plain configurations load no
 * OpenTelemetry module at all.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tracer } from '@opentelemetry/api';
import type * as InstrumentationModule from '@opentelemetry/instrumentation';
import type * as OfficialModule from '@opentelemetry/instrumentation-sequelize';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type * as SdkTraceBaseModule from '@opentelemetry/sdk-trace-base';
import type * as SdkTraceNodeModule from '@opentelemetry/sdk-trace-node';
import type * as OursModule from '../src';
import { isPlain } from './configurations';
import type * as DiscardModule from './discard-exporter';
import type { ConfigurationId } from './protocol';

/** What a child needs of the installed configuration. */
export interface Telemetry {
  /** Spans ended so far (always 0 without an SDK). */
  spansEnded(): number;
  /** Audit spans among them. */
  auditSpansEnded(): number;
  /** Lets batched work (export, audit persistence) finish outside the timed region. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
  /** A tracer of the installed provider, for the bare-span measurement. */
  tracer?: Tracer;
  /** Runs set-up work (seeding, prepared rows) so that it leaves no audit backlog. */
  setUp<T>(work: () => Promise<T>): Promise<T>;
}

const NO_TELEMETRY: Telemetry = {
  spansEnded: () => 0,
  auditSpansEnded: () => 0,
  flush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
  setUp: (work) => work(),
};

/**
 * How the installed pieces batch their work. `clock` (the default) is what an application gets;
 * `count` turns every time-based flush off and holds all batched work until `flush()`, so that
 * an instruction count does not depend on how fast the clock runs (valgrind runs ~50x slower).
 */
export type BatchingMode = 'clock' | 'count';

/** What a configuration installs; the instruction bench adds SDK-only floors and variants. */
export type InstalledConfiguration = ConfigurationId | 'ours-one-span' | 'ours-all-spans';

const HELD = { delayMs: 1_000_000_000, queue: 1_000_000, timeoutMs: 60 * 60 * 1000 };

export function installTelemetry(
  id: InstalledConfiguration,
  batching: BatchingMode = 'clock',
): Telemetry {
  if (id !== 'ours-one-span' && id !== 'ours-all-spans' && isPlain(id)) return NO_TELEMETRY;
  const cleanups: Array<() => void> = [];
  const auditProcessor = id === 'ours-audit' ? createAuditProcessor(cleanups, batching) : undefined;
  const { NodeTracerProvider } = load<typeof SdkTraceNodeModule>('@opentelemetry/sdk-trace-node');
  const { BatchSpanProcessor } = load<typeof SdkTraceBaseModule>('@opentelemetry/sdk-trace-base');
  const { DiscardSpanExporter, SpanCounter } = discardModule();
  const counter = new SpanCounter();
  const processors: SpanProcessor[] = [counter];
  if (auditProcessor) processors.push(auditProcessor);
  const batchConfig =
    batching === 'count'
      ? {
          scheduledDelayMillis: HELD.delayMs,
          maxQueueSize: HELD.queue,
          maxExportBatchSize: 512,
          exportTimeoutMillis: HELD.timeoutMs,
        }
      : undefined;
  processors.push(new BatchSpanProcessor(new DiscardSpanExporter(), batchConfig));
  // The flush after the timed part of a count holds all its batched work: under valgrind on a
  // busy machine it takes longer than the default 30 s.
  const provider = new NodeTracerProvider({
    spanProcessors: processors,
    ...(batching === 'count' ? { forceFlushTimeoutMillis: HELD.timeoutMs } : {}),
  });
  provider.register();
  registerInstrumentationOf(id, provider);
  return {
    spansEnded: () => counter.ended,
    auditSpansEnded: () => counter.auditEnded,
    flush: () => provider.forceFlush(),
    shutdown: async () => {
      await provider.shutdown();
      for (const cleanup of cleanups) cleanup();
    },
    tracer: provider.getTracer('bench'),
    setUp: auditProcessor ? oursModule().withoutAudit : NO_TELEMETRY.setUp,
  };
}

function registerInstrumentationOf(
  id: InstalledConfiguration,
  tracerProvider: SdkTraceNodeModule.NodeTracerProvider,
): void {
  const instrumentation = createInstrumentation(id);
  if (!instrumentation) return;
  const { registerInstrumentations } = load<typeof InstrumentationModule>(
    '@opentelemetry/instrumentation',
  );
  registerInstrumentations({ instrumentations: [instrumentation], tracerProvider });
}

function createInstrumentation(
  id: InstalledConfiguration,
): InstrumentationModule.Instrumentation | null {
  if (id === 'official') {
    const { SequelizeInstrumentation } = load<typeof OfficialModule>(
      '@opentelemetry/instrumentation-sequelize',
    );
    return new SequelizeInstrumentation();
  }
  if (id in OURS_CONFIG) {
    const { SequelizeAuditInstrumentation } = oursModule();
    return new SequelizeAuditInstrumentation(OURS_CONFIG[id as keyof typeof OURS_CONFIG]);
  }
  return null;
}

const OURS_CONFIG = {
  'ours-tracing': { audit: { enabled: false } },
  'ours-one-span': { audit: { enabled: false }, ormSpans: false, transactionSpans: false },
  'ours-all-spans': { audit: { enabled: false }, ormSpans: 'all' as const },
  'ours-audit': {},
};

/**
 * The processor with a fast store: JSON Lines in a temporary directory (with its defaults,
 * fsync per batch; the writes run off the event loop), its spool beside it.
 */
function createAuditProcessor(cleanups: Array<() => void>, batching: BatchingMode): SpanProcessor {
  const { AuditSpanProcessor, JsonlAuditStore } = oursModule();
  const directory = mkdtempSync(join(tmpdir(), 'osa-bench-'));
  cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
  return new AuditSpanProcessor({
    store: new JsonlAuditStore({ path: join(directory, 'audit.jsonl') }),
    spool: { directory: join(directory, 'spool') },
    ...(batching === 'count'
      ? {
          flushIntervalMs: HELD.delayMs,
          checkpointIntervalMs: HELD.delayMs,
          maxBatchSize: HELD.queue,
          maxQueueSize: HELD.queue,
          // Under valgrind on a busy machine a store write can take longer than the default.
          storeTimeoutMillis: HELD.timeoutMs,
        }
      : {}),
  });
}

/*
 * The project's own modules are required by literal path, so that a bundler (the instruction
 * bench compiles the child into one file) can include them and still load them lazily.
 */
function oursModule(): typeof OursModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../src') as typeof OursModule;
}

function discardModule(): typeof DiscardModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./discard-exporter') as typeof DiscardModule;
}

/** Requires a package at the moment it is needed (see the file comment). */
function load<T>(id: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(id) as T;
}
