import type { ExportResult } from '@opentelemetry/core';
import { ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** Accepts every batch and drops it, so that export cost does not dominate the figures. */
export class DiscardSpanExporter implements SpanExporter {
  export(_spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Counts ended spans as they end. Counting at the exporter would miss the spans a full
 * BatchSpanProcessor queue drops.
 */
export class SpanCounter implements SpanProcessor {
  ended = 0;
  /** Audit spans (named `audit <OPERATION> <table>`) among them. */
  auditEnded = 0;

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    this.ended += 1;
    if (span.name.startsWith('audit ')) this.auditEnded += 1;
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
