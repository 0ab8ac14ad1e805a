import { context, createContextKey } from '@opentelemetry/api';
import type { ModelInstanceLike, ModelStaticLike } from './internal-types';

/**
 * One call of a patched Sequelize model method, as the interceptors see it.
 * `args` are the caller's arguments: read them, never mutate them.
 */
export interface ModelCall {
  /** `update`, `destroy`, `bulkCreate`, `save`, ... */
  readonly method: string;
  readonly kind: 'static' | 'instance';
  readonly model: ModelStaticLike;
  readonly instance?: ModelInstanceLike;
  readonly args: readonly unknown[];
  /** The enclosing model call (e.g. `create` around `save`), if any. */
  readonly parent?: ModelCall;
}

/**
 * Runs around a model call. Must call `next()` exactly once and return (or throw) exactly
 * what it returned (or threw): the host application's results are never changed.
 */
export type ModelCallInterceptor = (
  call: ModelCall,
  next: () => Promise<unknown>,
) => Promise<unknown>;

const MODEL_CALL_KEY = createContextKey('otel-sequelize-audit model call');

/** The model call the current async work runs inside, if any. */
export function activeModelCall(): ModelCall | undefined {
  return context.active().getValue(MODEL_CALL_KEY) as ModelCall | undefined;
}

/** Runs `original` through the interceptors, outermost first, with `call` in the context. */
export function runModelCall(
  call: ModelCall,
  interceptors: readonly ModelCallInterceptor[],
  original: () => Promise<unknown>,
): Promise<unknown> {
  const dispatch = (index: number): Promise<unknown> => {
    if (index === interceptors.length) return original();
    return interceptors[index](call, () => dispatch(index + 1));
  };
  return context.with(context.active().setValue(MODEL_CALL_KEY, call), () => dispatch(0));
}
