import { context, createContextKey } from '@opentelemetry/api';
import { runInterceptorChain } from './interceptor-chain';
import type { Interceptor, InterceptorErrorHandler } from './interceptor-chain';
import type { AsyncMethod, ModelInstanceLike, ModelStaticLike } from './internal-types';

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
export type ModelCallInterceptor = Interceptor<ModelCall>;

const MODEL_CALL_KEY = createContextKey('otel-sequelize-audit model call');

/** The model call the current async work runs inside, if any. */
export function activeModelCall(): ModelCall | undefined {
  return context.active().getValue(MODEL_CALL_KEY) as ModelCall | undefined;
}

const ignoreError: InterceptorErrorHandler = () => undefined;

/** Runs `original` through the interceptors, outermost first, with `call` in the context. */
export function runModelCall(
  call: ModelCall,
  interceptors: readonly ModelCallInterceptor[],
  original: () => Promise<unknown>,
  onError: InterceptorErrorHandler = ignoreError,
): Promise<unknown> {
  return context.with(context.active().setValue(MODEL_CALL_KEY, call), () =>
    runInterceptorChain(call, interceptors, original, onError),
  );
}

/** The model static methods that are patched (those a model class has). */
export const MODEL_STATIC_METHODS = [
  'create',
  'bulkCreate',
  'update',
  'destroy',
  'restore',
  'upsert',
  'increment',
  'decrement',
  'findAll',
  'findOne',
  'findByPk',
  'findOrCreate',
  'findOrBuild',
  'findCreateFind',
  'findAndCountAll',
  'count',
  'sum',
  'min',
  'max',
  'aggregate',
  'truncate',
  'sync',
  'drop',
] as const;

/** The model instance methods that are patched. */
export const MODEL_INSTANCE_METHODS = [
  'save',
  'update',
  'destroy',
  'restore',
  'increment',
  'decrement',
  'reload',
] as const;

/**
 * The interceptors to run a call through, asked on every call: the instrumentation leaves out
 * those that the configuration makes pass-through. `nested` is true for a call made inside
 * another model call (`findByPk` → `findOne` → `findAll`); when no interceptor wants a nested
 * call, the list is empty and the call runs as it is, with no context layer of its own (its
 * statements still see the enclosing call).
 */
export type ModelCallInterceptors = (
  nested: boolean,
  kind: ModelCall['kind'],
  method: string,
) => readonly ModelCallInterceptor[];

/** Builds the replacement of a model static method: `this` is the model class. */
export function wrapStaticModelMethod(
  method: string,
  interceptors: ModelCallInterceptors,
  onError: InterceptorErrorHandler,
): (original: AsyncMethod) => AsyncMethod {
  return (original) =>
    function patchedStaticModelMethod(this: unknown, ...args: unknown[]) {
      const parent = activeModelCall();
      const list = interceptors(parent !== undefined, 'static', method);
      if (parent && list.length === 0) return original.apply(this, args);
      const model = this as ModelStaticLike;
      const call: ModelCall = { method, kind: 'static', model, args, parent };
      return runModelCall(call, list, () => original.apply(this, args), onError);
    };
}

/** Builds the replacement of a model instance method: `this` is the instance. */
export function wrapInstanceModelMethod(
  method: string,
  interceptors: ModelCallInterceptors,
  onError: InterceptorErrorHandler,
): (original: AsyncMethod) => AsyncMethod {
  return (original) =>
    function patchedInstanceModelMethod(this: unknown, ...args: unknown[]) {
      const parent = activeModelCall();
      const list = interceptors(parent !== undefined, 'instance', method);
      if (parent && list.length === 0) return original.apply(this, args);
      const instance = this as ModelInstanceLike;
      const call: ModelCall = {
        method,
        kind: 'instance',
        model: instance.constructor as ModelStaticLike,
        instance,
        args,
        parent,
      };
      return runModelCall(call, list, () => original.apply(this, args), onError);
    };
}
