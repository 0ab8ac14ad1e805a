import type { ReceivedSpan } from './otlp-receiver';

/** The SERVER span of the one request to `route` (e.g. `/products/:id`) with this method. */
export function serverSpanOf(
  spans: readonly ReceivedSpan[],
  method: string,
  route: string,
): ReceivedSpan {
  const found = spans.filter(
    (span) =>
      span.kind === 'SPAN_KIND_SERVER' &&
      (span.attributes['http.request.method'] ?? span.attributes['http.method']) === method &&
      span.attributes['http.route'] === route,
  );
  if (found.length !== 1) {
    throw new Error(
      `expected one ${method} ${route} server span, got ${found.length}: ${names(spans)}`,
    );
  }
  return found[0];
}

/** Every span below `root` in its trace (children, grandchildren, ...). */
export function descendantsOf(spans: readonly ReceivedSpan[], root: ReceivedSpan): ReceivedSpan[] {
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  const isBelowRoot = (span: ReceivedSpan): boolean => {
    for (let parent = span.parentSpanId; parent; parent = byId.get(parent)?.parentSpanId) {
      if (parent === root.spanId) return true;
    }
    return false;
  };
  return spans.filter((span) => span.traceId === root.traceId && isBelowRoot(span));
}

export function isAuditSpan(span: ReceivedSpan): boolean {
  return span.attributes['audit.operation'] !== undefined;
}

export function isQuerySpan(span: ReceivedSpan): boolean {
  return span.kind === 'SPAN_KIND_CLIENT' && span.attributes['db.query.text'] !== undefined;
}

export function names(spans: readonly ReceivedSpan[]): string {
  return spans.map((span) => `${span.name} (${span.kind})`).join(', ');
}
