import assert from 'node:assert/strict';
import { trace } from '@opentelemetry/api';
import { auditMiddleware, getAuditContext, withAuditContext } from '../../src';

describe('audit context', () => {
  it('is visible inside withAuditContext and in the async work it starts, and gone after', async () => {
    const seen = await withAuditContext(
      { actor: { id: 'u-1', type: 'user' }, tenant: 'acme' },
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return getAuditContext();
      },
    );
    assert.deepEqual(seen?.actor, { id: 'u-1', type: 'user' });
    assert.equal(seen?.tenant, 'acme');
    assert.equal(getAuditContext(), undefined);
  });

  it('overrides the outer values inside a nested context and restores them after', () => {
    withAuditContext({ actor: { id: 'outer' }, reason: 'r1', tenant: 't1' }, () => {
      withAuditContext({ actor: { id: 'inner' }, reason: 'r2' }, () => {
        const inner = getAuditContext();
        assert.equal(inner?.actor?.id, 'inner');
        assert.equal(inner?.reason, 'r2');
        assert.equal(inner?.tenant, 't1');
      });
      assert.equal(getAuditContext()?.actor?.id, 'outer');
      assert.equal(getAuditContext()?.reason, 'r1');
    });
  });

  it('takes the active trace id as request id unless one is given', () => {
    const tracer = trace.getTracer('test');
    tracer.startActiveSpan('request', (span) => {
      withAuditContext({ actor: { id: 'a' } }, () => {
        assert.equal(getAuditContext()?.requestId, span.spanContext().traceId);
      });
      withAuditContext({ actor: { id: 'a' }, requestId: 'req-9' }, () => {
        assert.equal(getAuditContext()?.requestId, 'req-9');
      });
      span.end();
    });
  });

  it('never lends a context to work that a request did not start', async () => {
    const queue: Array<() => void> = [];
    const seenByWorker: unknown[] = [];
    const worker = setInterval(() => queue.splice(0).forEach((job) => job()), 1);
    try {
      await withAuditContext({ actor: { id: 'requester' } }, async () => {
        queue.push(() => seenByWorker.push(getAuditContext()?.actor));
        await new Promise((resolve) => setTimeout(resolve, 10));
      });
    } finally {
      clearInterval(worker);
    }
    assert.deepEqual(seenByWorker, [undefined]);
  });
});

describe('auditMiddleware', () => {
  it('runs the rest of an Express-style request inside the resolved context', async () => {
    const middleware = auditMiddleware((req: { user: string }) => ({ actor: { id: req.user } }));
    const seen = await new Promise((resolve) => {
      middleware({ user: 'u-7' }, {}, () =>
        setImmediate(() => resolve(getAuditContext()?.actor?.id)),
      );
    });
    assert.equal(seen, 'u-7');
  });

  it('supports Koa-style (ctx, next) middleware and async resolvers', async () => {
    const middleware = auditMiddleware(async (ctx: { state: { user: string } }) => ({
      actor: { id: ctx.state.user, type: 'user' },
    }));
    let seen: unknown;
    await middleware({ state: { user: 'koa-user' } }, async () => {
      seen = getAuditContext()?.actor;
    });
    assert.deepEqual(seen, { id: 'koa-user', type: 'user' });
  });

  it('lets the request go on without a context when the resolver throws or rejects', async () => {
    const calls: unknown[] = [];
    auditMiddleware(() => {
      throw new Error('no session');
    })({}, {}, () => calls.push(getAuditContext()));
    await auditMiddleware(() => Promise.reject(new Error('lookup failed')))({}, {}, () =>
      calls.push(getAuditContext()),
    );
    assert.deepEqual(calls, [undefined, undefined]);
  });
});
