import { diag } from '@opentelemetry/api';
import type { AuditContext } from '../types';
import { withAuditContext } from './context';

/** Resolves the audit context of an incoming request; may be async (e.g. a session lookup). */
export type AuditContextResolver<Request> = (
  request: Request,
) => AuditContext | undefined | Promise<AuditContext | undefined>;

/** Express / Fastify hook style `(req, res, next)` and Koa style `(ctx, next)`. */
export type AuditMiddleware = (
  request: unknown,
  responseOrNext?: unknown,
  next?: unknown,
) => unknown;

type Next = (...args: unknown[]) => unknown;

/**
 * Server middleware that runs the rest of the request inside `withAuditContext(resolver(req))`.
 * Works with Express and Fastify-style `(req, res, next)` hooks and Koa-style `(ctx, next)`.
 * When the resolver throws or rejects, the request goes on without an audit context (writes
 * are recorded with no actor) and the error is logged: the request is never failed by it.
 *
 * @example
 * app.use(auditMiddleware((req) => ({ actor: { id: req.user.id, type: 'user' }, tenant: req.tenant })));
 * // with metadata on every record of the request:
 * app.use(auditMiddleware((req) => ({ actor: { id: req.user.id }, metadata: { ip: req.ip } })));
 * // Koa: app.use(auditMiddleware((ctx) => ({ actor: { id: ctx.state.user.id } })));
 */
export function auditMiddleware<Request = unknown>(
  resolver: AuditContextResolver<Request>,
): AuditMiddleware {
  return (request, responseOrNext, maybeNext) => {
    const next = (typeof maybeNext === 'function' ? maybeNext : responseOrNext) as Next;
    const proceed = (auditContext: AuditContext | undefined) =>
      auditContext ? withAuditContext(auditContext, () => next()) : next();
    let resolved: ReturnType<AuditContextResolver<Request>>;
    try {
      resolved = resolver(request as Request);
    } catch (error) {
      logResolverError(error);
      return next();
    }
    if (!isPromise(resolved)) return proceed(resolved);
    return resolved.then(proceed, (error: unknown) => {
      logResolverError(error);
      return next();
    });
  };
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | undefined)?.then === 'function';
}

function logResolverError(error: unknown): void {
  diag.error(
    'otel-sequelize-audit: the auditMiddleware resolver failed; request continues without audit context',
    error,
  );
}
