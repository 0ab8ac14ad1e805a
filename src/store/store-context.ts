import { context, createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';

/*
 * The audit store's own work must never be traced nor audited, even when it shares the
 * application's Sequelize. Every store call runs in a context with tracing suppressed and
 * marked as the store's, and every query it sends carries `AUDIT_STORE_QUERY_OPTION: true`,
 * so audit capture can tell store statements apart on either signal.
 */

const STORE_CONTEXT_KEY = createContextKey('otel-sequelize-audit.store');

/** True inside a store call (the context of the store's own queries). */
export function isAuditStoreContext(ctx: Context = context.active()): boolean {
  return ctx.getValue(STORE_CONTEXT_KEY) === true;
}

export { AUDIT_STORE_QUERY_OPTION, isAuditStoreQuery } from '../sequelize/query-call';

/**
 * Runs `fn` untraced and marked as the store's own work, from an empty context: nothing of the
 * caller's context (its span, baggage, audit actor) travels into the store's statements.
 */
export function runAsStore<T>(fn: () => Promise<T>): Promise<T> {
  const storeContext = suppressTracing(ROOT_CONTEXT).setValue(STORE_CONTEXT_KEY, true);
  return context.with(storeContext, fn);
}
