import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import { auditMiddleware } from '../audit/middleware';
import type { AuditContextResolver } from '../audit/middleware';

/**
 * An `onRequest` hook for Fastify: the resolver gets Fastify's `FastifyRequest`, and the
 * route handler runs inside the audit context it returns.
 *
 * @example
 * import { auditHook } from 'otel-sequelize-audit/fastify';
 * fastify.addHook('onRequest', auditHook((request) => ({ actor: { id: request.user.id } })));
 */
export function auditHook<Request extends FastifyRequest = FastifyRequest>(
  resolver: AuditContextResolver<Request>,
): onRequestHookHandler {
  const middleware = auditMiddleware(resolver);
  return function (request, reply, done) {
    void middleware(request, reply, done);
  };
}
