import { context, createContextKey } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';

/*
 * Work that must never be audited: the audit store's own SQL (even through the application's
 * Sequelize; its statements also carry the store's query marker) and the audit side's own row
 * reads. Suppressing *tracing* (`suppressTracing`) does not switch audit off: an application
 * or library may hide its statements from traces, but its writes still belong in the trail.
 */

const SUPPRESS_AUDIT_KEY = createContextKey('otel-sequelize-audit suppress audit');
/**
 * The store's context marker (set by `runAsStore` in the store layer, which this layer may not
 * import): context keys are `Symbol.for(description)`, so the same description is the same key.
 */
const STORE_CONTEXT_KEY = createContextKey('otel-sequelize-audit.store');

/** A context in which no row change is audited. */
export function suppressAudit(ctx: Context): Context {
  return ctx.setValue(SUPPRESS_AUDIT_KEY, true);
}

/**
 * Runs `fn` without audit capture: writes inside it produce no audit records. For the audit
 * store's own SQL when it shares the application's Sequelize.
 *
 * @example
 * await withoutAudit(() => auditDb.query('INSERT INTO audit_log ...'));
 */
export function withoutAudit<T>(fn: () => T): T {
  return context.with(suppressAudit(context.active()), fn);
}

/** Whether the current async work is excluded from audit capture. */
export function isAuditSuppressed(ctx: Context = context.active()): boolean {
  return ctx.getValue(SUPPRESS_AUDIT_KEY) === true || ctx.getValue(STORE_CONTEXT_KEY) === true;
}
