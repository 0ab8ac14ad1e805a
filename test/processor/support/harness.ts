import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sampler } from '@opentelemetry/sdk-trace-base';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { AuditSpanProcessor } from '../../../src';
import { instrumentation, metricReader, tracerProvider } from '../../support/setup';

/**
 * A tracer provider with the processor under test beside an exporting processor, installed
 * as the instrumentation's provider until `restore()`.
 */
export function installProvider(processor: AuditSpanProcessor, sampler?: Sampler) {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({
    sampler,
    spanProcessors: [processor, new SimpleSpanProcessor(exporter)],
  });
  instrumentation.setTracerProvider(provider);
  return {
    exporter,
    provider,
    restore(): void {
      instrumentation.setTracerProvider(tracerProvider);
    },
  };
}

/**
 * A temporary directory, made on first use of `path` (so a suite that is skipped, or only
 * defined, leaves nothing behind) and removed by `remove()`.
 */
export function tempDirectory(prefix: string): { readonly path: string; remove(): void } {
  let made: string | undefined;
  return {
    get path() {
      made ??= mkdtempSync(join(tmpdir(), prefix));
      return made;
    },
    remove() {
      if (made) rmSync(made, { recursive: true, force: true });
      made = undefined;
    },
  };
}

/** Sum of a counter (or last value of a gauge) over every data point with `audit.store` = `store`. */
export async function metricValue(name: string, store: string): Promise<number> {
  const { resourceMetrics } = await metricReader.collect();
  return sumMetric(resourceMetrics, name, store);
}

function sumMetric(resourceMetrics: ResourceMetrics, name: string, store: string): number {
  let total = 0;
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      if (metric.descriptor.name !== name) continue;
      for (const point of metric.dataPoints) {
        if (point.attributes['audit.store'] === store && typeof point.value === 'number')
          total += point.value;
      }
    }
  }
  return total;
}

/** Resolves once `condition` holds, polling; rejects after `timeoutMs`. */
export async function eventually(
  condition: () => Promise<boolean> | boolean,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
