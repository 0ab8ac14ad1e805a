import type { Context, Middleware } from 'koa';
import { auditMiddleware as untypedMiddleware } from '../audit/middleware';
import type { AuditContextResolver } from '../audit/middleware';

/**
 * `auditMiddleware` for Koa: the resolver gets Koa's `Context`; the downstream middleware
 * runs inside the audit context it returns.
 *
 * @example
 * import { auditMiddleware } from 'otel-sequelize-audit/koa';
 * app.use(auditMiddleware((ctx) => ({ actor: { id: ctx.state.user.id, type: 'user' } })));
 */
export function auditMiddleware<Ctx extends Context = Context>(
  resolver: AuditContextResolver<Ctx>,
): Middleware {
  const middleware = untypedMiddleware(resolver);
  return async (ctx, next) => {
    await middleware(ctx, next);
  };
}
