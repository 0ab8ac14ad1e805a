import { DiagLogLevel, diag } from '@opentelemetry/api';
import type { DiagLogger } from '@opentelemetry/api';
import { metricReader } from '../../support/setup';

/** The cumulative `audit.capture.fallbacks` count for one reason. */
export async function fallbacksCounted(reason: string): Promise<number> {
  const { resourceMetrics } = await metricReader.collect();
  let total = 0;
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      if (metric.descriptor.name !== 'audit.capture.fallbacks') continue;
      for (const point of metric.dataPoints) {
        if (point.attributes.reason === reason && typeof point.value === 'number') {
          total += point.value;
        }
      }
    }
  }
  return total;
}

/** Collects the warnings logged through the OpenTelemetry diag logger while installed. */
export class DiagWarnings {
  readonly messages: string[] = [];

  install(): this {
    this.messages.length = 0;
    const push = (...parts: unknown[]) => this.messages.push(parts.map(String).join(' '));
    const quiet = () => undefined;
    const logger: DiagLogger = {
      error: push,
      warn: push,
      info: quiet,
      debug: quiet,
      verbose: quiet,
    };
    diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
    return this;
  }

  uninstall(): void {
    diag.disable();
  }

  about(text: string): string[] {
    return this.messages.filter((message) => message.includes(text));
  }
}
