import { randomUUID } from 'node:crypto';
import { context, createContextKey, trace } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import type { AuditContext } from '../types';

/*
 * The audit context rides on the OpenTelemetry context (AsyncLocalStorage under the Node
 * SDK), so it follows exactly the async work started inside `withAuditContext` and nothing
 * else: a write issued after a request finished can never borrow that request's actor.
 */

const AUDIT_CONTEXT_KEY = createContextKey('otel-sequelize-audit audit context');

/**
 * Runs `fn` with an audit context: every row changed inside it (and inside the async work it
 * starts) is credited to that actor, tenant and reason, and carries its `metadata`. Nested
 * calls override the outer values field by field inside (metadata key by key) and restore
 * them after. The request id defaults to the trace id
 * active when `withAuditContext` is entered (a random id when no trace is active), so every
 * record of one request shares it.
 *
 * @example
 * await withAuditContext({ actor: { id: 'nightly-job', type: 'service' }, reason: 'cleanup' }, () =>
 *   Order.destroy({ where: { status: 'stale' } }));
 * await withAuditContext({ actor: { id: 'u1' }, metadata: { ip: '10.0.0.7', ticket: 'OPS-12' } }, fn);
 */
export function withAuditContext<T>(auditContext: AuditContext, fn: () => T): T {
  const active = context.active();
  const merged = mergeContexts(getAuditContext(), auditContext);
  merged.requestId ??= activeTraceId() ?? randomUUID();
  return context.with(active.setValue(AUDIT_CONTEXT_KEY, Object.freeze(merged)), fn);
}

/**
 * The audit context of the current async work (or of the given OpenTelemetry context), if
 * any: a frozen copy, read it only.
 */
export function getAuditContext(
  ctx: Context = context.active(),
): Readonly<AuditContext> | undefined {
  return ctx.getValue(AUDIT_CONTEXT_KEY) as Readonly<AuditContext> | undefined;
}

function mergeContexts(
  outer: Readonly<AuditContext> | undefined,
  inner: AuditContext,
): AuditContext {
  const merged: AuditContext = { ...outer };
  for (const [key, value] of Object.entries(inner) as Array<[keyof AuditContext, unknown]>) {
    if (value !== undefined) Object.assign(merged, { [key]: value });
  }
  if (inner.actor) merged.actor = { ...inner.actor };
  if (inner.metadata) merged.metadata = Object.freeze({ ...outer?.metadata, ...inner.metadata });
  return merged;
}

function activeTraceId(): string | undefined {
  const spanContext = trace.getSpan(context.active())?.spanContext();
  return spanContext && trace.isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}
