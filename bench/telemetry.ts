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
}

const NO_TELEMETRY: Telemetry = {
  spansEnded: () => 0,
  auditSpansEnded: () => 0,
  flush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

export function installTelemetry(id: ConfigurationId): Telemetry {
  if (isPlain(id)) return NO_TELEMETRY;
  const cleanups: Array<() => void> = [];
  const auditProcessor = id === 'ours-audit' ? createAuditProcessor(cleanups) : undefined;
  const { NodeTracerProvider } = load<typeof SdkTraceNodeModule>('@opentelemetry/sdk-trace-node');
  const { BatchSpanProcessor } = load<typeof SdkTraceBaseModule>('@opentelemetry/sdk-trace-base');
  const { DiscardSpanExporter, SpanCounter } = load<typeof DiscardModule>('./discard-exporter');
  const counter = new SpanCounter();
  const processors: SpanProcessor[] = [counter];
  if (auditProcessor) processors.push(auditProcessor);
  processors.push(new BatchSpanProcessor(new DiscardSpanExporter()));
  const provider = new NodeTracerProvider({ spanProcessors: processors });
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
  };
}

function registerInstrumentationOf(
  id: ConfigurationId,
  tracerProvider: SdkTraceNodeModule.NodeTracerProvider,
): void {
  const instrumentation = createInstrumentation(id);
  if (!instrumentation) return;
  const { registerInstrumentations } = load<typeof InstrumentationModule>(
    '@opentelemetry/instrumentation',
  );
  registerInstrumentations({ instrumentations: [instrumentation], tracerProvider });
}

function createInstrumentation(id: ConfigurationId): InstrumentationModule.Instrumentation | null {
  if (id === 'official') {
    const { SequelizeInstrumentation } = load<typeof OfficialModule>(
      '@opentelemetry/instrumentation-sequelize',
    );
    return new SequelizeInstrumentation();
  }
  if (id === 'ours-tracing' || id === 'ours-audit') {
    const { SequelizeAuditInstrumentation } = load<typeof OursModule>('../src');
    return new SequelizeAuditInstrumentation(
      id === 'ours-tracing' ? { audit: { enabled: false } } : {},
    );
  }
  return null;
}

/**
 * The processor with a fast store: JSON Lines in a temporary directory (with its defaults,
 * fsync per batch; the writes run off the event loop), its spool beside it.
 */
function createAuditProcessor(cleanups: Array<() => void>): SpanProcessor {
  const { AuditSpanProcessor, JsonlAuditStore } = load<typeof OursModule>('../src');
  const directory = mkdtempSync(join(tmpdir(), 'osa-bench-'));
  cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
  return new AuditSpanProcessor({
    store: new JsonlAuditStore({ path: join(directory, 'audit.jsonl') }),
    spool: { directory: join(directory, 'spool') },
  });
}

/** Requires a module at the moment it is needed (see the file comment). */
function load<T>(id: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(id) as T;
}
