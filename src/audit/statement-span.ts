import { context, trace } from '@opentelemetry/api';
import type { SpanContext } from '@opentelemetry/api';
import { activeModelCall } from '../sequelize/model-call';
import type { ModelCall } from '../sequelize/model-call';

/*
 * The span of the statement a model call issued, for records made after the call when no span
 * of the model call itself is active (tracing makes no ORM span for a single-statement call):
 * the record then belongs to the trace of the statement that changed the row. Kept per model
 * call in a WeakMap, so it goes with the call.
 */
const statementSpans = new WeakMap<ModelCall, SpanContext>();

/** Notes the span active around a statement of `call` (and of the calls around it). */
export function noteStatementSpan(call: ModelCall): void {
  const spanContext = trace.getSpan(context.active())?.spanContext();
  if (!spanContext || !trace.isSpanContextValid(spanContext)) return;
  for (let level: ModelCall | undefined = call; level; level = level.parent) {
    if (statementSpans.has(level)) return;
    statementSpans.set(level, spanContext);
  }
}

/** The span of the first traced statement of the model call running now, if any. */
export function statementSpanOfActiveCall(): SpanContext | undefined {
  const call = activeModelCall();
  return call ? statementSpans.get(call) : undefined;
}
