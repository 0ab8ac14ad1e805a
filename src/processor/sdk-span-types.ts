import type { Context } from '@opentelemetry/api';
import type { AuditSpanLike } from '../audit/event-attributes';

/*
 * The span processor contract, structurally, as both SDK lines define it (`SpanProcessor` of
 * `@opentelemetry/sdk-trace-base` 2.x and of `@opentelemetry/sdk-trace` 3.x): the published
 * typings then name no SDK package, which an application of the other line would lack.
 */

/** A finished span, as `onEnd` receives it (the parts the processor reads). */
export type ReadableSpan = AuditSpanLike;

/** A started span, as `onStart` receives it (not read). */
export type Span = object;

/** What a tracer provider calls on its span processors. */
export interface SpanProcessor {
  onStart(span: Span, parentContext: Context): void;
  onEnd(span: ReadableSpan): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}
