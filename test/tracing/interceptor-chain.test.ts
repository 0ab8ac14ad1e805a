import assert from 'node:assert/strict';
import { runInterceptorChain } from '../../src/sequelize/interceptor-chain';
import type { Interceptor } from '../../src/sequelize/interceptor-chain';

type Call = { name: string };
const call: Call = { name: 'query' };

function run(interceptors: Interceptor<Call>[], original: () => Promise<unknown>) {
  const faults: unknown[] = [];
  const result = runInterceptorChain(call, interceptors, original, (error) => faults.push(error));
  return { result, faults };
}

describe('interceptor chain', () => {
  it('runs the interceptors outermost first around the original call', async () => {
    const order: string[] = [];
    const tracing: Interceptor<Call> = async (_call, next) => {
      order.push('tracing in');
      const value = await next();
      order.push('tracing out');
      return value;
    };
    const audit: Interceptor<Call> = async (_call, next) => {
      order.push('audit in');
      const value = await next();
      order.push('audit out');
      return value;
    };
    const { result } = run([tracing, audit], async () => {
      order.push('original');
      return 'rows';
    });
    assert.equal(await result, 'rows');
    assert.deepEqual(order, ['tracing in', 'audit in', 'original', 'audit out', 'tracing out']);
  });

  it('skips an interceptor that throws before calling next and still runs the original', async () => {
    const { result, faults } = run(
      [
        () => {
          throw new Error('broken interceptor');
        },
      ],
      async () => 'rows',
    );
    assert.equal(await result, 'rows');
    assert.equal((faults[0] as Error).message, 'broken interceptor');
  });

  it('runs the original once for an interceptor that never calls next', async () => {
    let runs = 0;
    const { result, faults } = run([async () => 'forgot next'], async () => {
      runs += 1;
      return 'rows';
    });
    assert.equal(await result, 'rows');
    assert.equal(runs, 1);
    assert.deepEqual(faults, []);
  });

  it('runs the original for an interceptor that returns nothing and never calls next', async () => {
    let runs = 0;
    const returnsNothing = (() => undefined) as unknown as Interceptor<Call>;
    const { result, faults } = run([returnsNothing], async () => {
      runs += 1;
      return 'rows';
    });
    assert.equal(await result, 'rows');
    assert.equal(runs, 1);
    assert.deepEqual(faults, []);
  });

  it('resolves with what the original returned even when an interceptor returns something else', async () => {
    const { result } = run(
      [
        async (_call, next) => {
          await next();
          return 'tampered';
        },
      ],
      async () => 'rows',
    );
    assert.equal(await result, 'rows');
  });

  it('keeps the original result when an interceptor throws after next resolved', async () => {
    const { result, faults } = run(
      [
        async (_call, next) => {
          await next();
          throw new Error('failed while ending the span');
        },
      ],
      async () => 'rows',
    );
    assert.equal(await result, 'rows');
    assert.equal((faults[0] as Error).message, 'failed while ending the span');
  });

  it('rejects with the original error, not one an interceptor threw instead', async () => {
    const original = new Error('duplicate key');
    const { result, faults } = run(
      [
        async (_call, next) => {
          await next().catch(() => undefined);
          throw new Error('interceptor error');
        },
      ],
      async () => {
        throw original;
      },
    );
    await assert.rejects(result, (error) => error === original);
    assert.equal((faults[0] as Error).message, 'interceptor error');
  });

  it('passes the original error through an interceptor that rethrows it, reporting nothing', async () => {
    const original = new Error('no such table');
    const { result, faults } = run([(_call, next) => next()], async () => {
      throw original;
    });
    await assert.rejects(result, (error) => error === original);
    assert.deepEqual(faults, []);
  });
});
