import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A continuation-local storage namespace for `Sequelize.useCLS`, built on AsyncLocalStorage
 * (the shape of `cls-hooked`'s namespace that Sequelize uses: run, bind, get, set).
 */
export class AsyncLocalNamespace {
  private readonly storage = new AsyncLocalStorage<Map<string, unknown>>();

  run(fn: (context: Map<string, unknown>) => unknown): void {
    const context = new Map(this.storage.getStore());
    this.storage.run(context, () => fn(context));
  }

  bind<F extends (...args: never[]) => unknown>(fn: F): F {
    return AsyncLocalStorage.bind(fn);
  }

  get(key: string): unknown {
    return this.storage.getStore()?.get(key);
  }

  set(key: string, value: unknown): void {
    this.storage.getStore()?.set(key, value);
  }
}
