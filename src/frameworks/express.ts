import type { Request, RequestHandler } from 'express';
import { auditMiddleware as untypedMiddleware } from '../audit/middleware';
import type { AuditContextResolver } from '../audit/middleware';

/**
 * `auditMiddleware` for Express: the resolver gets Express's `Request`, the result is a
 * `RequestHandler`. Everything the request does after it runs inside that audit context.
 *
 * @example
 * import { auditMiddleware } from 'otel-sequelize-audit/express';
 * app.use(auditMiddleware((req) => ({ actor: { id: String(req.headers['x-user-id']), type: 'user' } })));
 */
export function auditMiddleware<Req extends Request = Request>(
  resolver: AuditContextResolver<Req>,
): RequestHandler {
  const middleware = untypedMiddleware(resolver);
  return (req, res, next) => {
    void middleware(req, res, next);
  };
}
