import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The smallest namespace `Sequelize.useCLS()` accepts (run/get/set/bind), on
 * AsyncLocalStorage, so CLS transactions are tested without the cls-hooked package.
 */
export function createClsNamespace() {
  const storage = new AsyncLocalStorage<Map<string, unknown>>();
  return {
    run<T>(fn: (context: Map<string, unknown>) => T): T {
      const store = new Map(storage.getStore());
      return storage.run(store, () => fn(store));
    },
    get(key: string): unknown {
      return storage.getStore()?.get(key);
    },
    set(key: string, value: unknown): void {
      storage.getStore()?.set(key, value);
    },
    bind<F extends (...args: never[]) => unknown>(fn: F): F {
      return fn;
    },
  };
}
