import { context, createContextKey } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';

/*
 * Work that must never be audited: the audit store's own SQL (even through the application's
 * Sequelize) and the audit side's own row reads. Code that suppresses tracing (as exporters
 * and stores do with `suppressTracing`) is not audited either.
 */

const SUPPRESS_AUDIT_KEY = createContextKey('otel-sequelize-audit suppress audit');

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
  return ctx.getValue(SUPPRESS_AUDIT_KEY) === true || isTracingSuppressed(ctx);
}
