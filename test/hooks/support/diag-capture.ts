import { diag, DiagLogLevel } from '@opentelemetry/api';
import type { DiagLogger } from '@opentelemetry/api';
import { metricReader } from '../../support/setup';

/** Collects what is logged through the OpenTelemetry diag API until `stop()`. */
export class DiagCapture implements DiagLogger {
  readonly messages: string[] = [];

  start(): this {
    diag.setLogger(this, { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true });
    return this;
  }

  stop(): void {
    diag.disable();
  }

  error = (message: string, ...args: unknown[]) => this.push('error', message, args);
  warn = (message: string, ...args: unknown[]) => this.push('warn', message, args);
  info = (message: string, ...args: unknown[]) => this.push('info', message, args);
  debug = (message: string, ...args: unknown[]) => this.push('debug', message, args);
  verbose = (message: string, ...args: unknown[]) => this.push('verbose', message, args);

  private push(level: string, message: string, args: unknown[]): void {
    const detail = args.map((arg) => (arg instanceof Error ? arg.message : String(arg)));
    this.messages.push([`${level}: ${message}`, ...detail].join(' '));
  }
}

/** Sum of the `audit.records.skipped` counter over the points matching `attributes`. */
export async function skippedCount(attributes: Record<string, string>): Promise<number> {
  const { resourceMetrics } = await metricReader.collect();
  let total = 0;
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      if (metric.descriptor.name !== 'audit.records.skipped') continue;
      for (const point of metric.dataPoints) {
        const matches = Object.entries(attributes).every(
          ([key, value]) => point.attributes[key] === value,
        );
        if (matches && typeof point.value === 'number') total += point.value;
      }
    }
  }
  return total;
}
