import { context } from '@opentelemetry/api';
import { isTracingSuppressed, suppressTracing } from '@opentelemetry/core';
import type { QueryInterceptor } from '../sequelize/query-call';
import type { SequelizeAuditInstrumentationConfig } from '../types';

/**
 * The innermost query interceptor: runs the driver call with tracing suppressed, so driver
 * instrumentations (pg, mysql2, ...) add no second span under ours. Our own spans and the
 * audit side's are all started before this point.
 */
export function createDriverSpanSuppression(
  config: () => SequelizeAuditInstrumentationConfig,
): QueryInterceptor {
  return (_call, next) => {
    if (config().suppressDriverSpans === false) return next();
    const active = context.active();
    // Already suppressed: the query span entered the suppressed context itself (audit off).
    if (isTracingSuppressed(active)) return next();
    return context.with(suppressTracing(active), next);
  };
}
