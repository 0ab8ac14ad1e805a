import type { CallHandler, DynamicModule, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { Observable } from 'rxjs';
import { withAuditContext } from '../audit/context';
import type { AuditContextResolver } from '../audit/middleware';
import type { AuditContext } from '../types';

/**
 * A NestJS interceptor that runs each handler inside the audit context its resolver takes
 * from the HTTP request (`context.switchToHttp().getRequest()`: Express's or Fastify's request,
 * with what guards put on it, such as `req.user`). A resolver that throws or rejects leaves the
 * request without an audit context; the request itself is never failed by it.
 *
 * @example
 * app.useGlobalInterceptors(new AuditContextInterceptor((req: { user: { id: string } }) =>
 *   ({ actor: { id: req.user.id, type: 'user' } })));
 */
export class AuditContextInterceptor<Request = unknown> implements NestInterceptor {
  constructor(private readonly resolver: AuditContextResolver<Request>) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request>();
    return new Observable((subscriber) => {
      let subscription: { unsubscribe(): void } | undefined;
      let closed = false;
      const run = (auditContext: AuditContext | undefined) => {
        if (closed) return;
        const subscribe = () => next.handle().subscribe(subscriber);
        subscription = auditContext ? withAuditContext(auditContext, subscribe) : subscribe();
      };
      void Promise.resolve()
        .then(() => this.resolver(request))
        .then(run, () => run(undefined));
      return () => {
        closed = true;
        subscription?.unsubscribe();
      };
    });
  }
}

/** The module of `AuditModule.forRoot`. */
export class AuditModule {
  /**
   * Registers `AuditContextInterceptor` for every route of the application.
   *
   * @example
   * @Module({ imports: [AuditModule.forRoot((req: AuthedRequest) => ({ actor: { id: req.user.id } }))] })
   * class AppModule {}
   */
  static forRoot<Request = unknown>(resolver: AuditContextResolver<Request>): DynamicModule {
    return {
      module: AuditModule,
      global: true,
      providers: [{ provide: APP_INTERCEPTOR, useValue: new AuditContextInterceptor(resolver) }],
    };
  }
}
