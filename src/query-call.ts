import type { SequelizeLike } from './internal-types';
import type { ModelCall } from './model-call';

/**
 * One call of `sequelize.query()`, as the interceptors see it. `options` are the caller's
 * options object: read it, never mutate it.
 */
export interface QueryCall {
  readonly sequelize: SequelizeLike;
  /** The SQL text as given to `query()` (a string, or the `query` of a `{ query, values }`). */
  readonly sql: string;
  readonly options: Readonly<Record<string, unknown>>;
  /** The model call that issued this statement, if any. */
  readonly modelCall?: ModelCall;
}

/**
 * Runs around a query. Must call `next()` exactly once and return (or throw) exactly what it
 * returned (or threw).
 */
export type QueryInterceptor = (call: QueryCall, next: () => Promise<unknown>) => Promise<unknown>;

export function runQueryCall(
  call: QueryCall,
  interceptors: readonly QueryInterceptor[],
  original: () => Promise<unknown>,
): Promise<unknown> {
  const dispatch = (index: number): Promise<unknown> => {
    if (index === interceptors.length) return original();
    return interceptors[index](call, () => dispatch(index + 1));
  };
  return dispatch(0);
}
