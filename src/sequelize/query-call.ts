import { clsTransactionOf } from './cls-transaction';
import { runInterceptorChain } from './interceptor-chain';
import type { Interceptor, InterceptorErrorHandler } from './interceptor-chain';
import type {
  AsyncMethod,
  QueryOptionsLike,
  SequelizeLike,
  SqlObjectLike,
  TransactionLike,
} from './internal-types';
import { activeModelCall } from './model-call';
import { asPositionalBinds } from './v7-binds';
import type { ModelCall } from './model-call';

/**
 * One call of `sequelize.query()`, as the interceptors see it. `options` are the caller's
 * options object: read it, never mutate it.
 */
export interface QueryCall {
  readonly sequelize: SequelizeLike;
  /**
   * The SQL text as given to `query()` (a string, or the `query` of a `{ query, values }`);
   * Sequelize 7's generated named binds (`$sequelize_1`) read as positional ones (`$1`).
   */
  readonly sql: string;
  readonly options: Readonly<QueryOptionsLike>;
  /** The model call that issued this statement, if any. */
  readonly modelCall?: ModelCall;
  /** Bind parameters (`options.bind` or the `bind` of a `{ query, bind }`), if any. */
  readonly bind?: unknown;
  /** Replacements (`options.replacements` or the `values` of a `{ query, values }`), if any. */
  readonly replacements?: unknown;
}

/**
 * Runs around a query. Must call `next()` exactly once and return (or throw) exactly what it
 * returned (or threw).
 */
export type QueryInterceptor = Interceptor<QueryCall>;

/**
 * Query option set on every statement the audit store sends, so that neither tracing nor
 * audit capture ever records the store's own work, even without a context manager.
 */
export const AUDIT_STORE_QUERY_OPTION = 'otelSequelizeAuditStore';

/** True for a statement the audit store sent. */
export function isAuditStoreQuery(options: Readonly<object> | undefined): boolean {
  return (options as Record<string, unknown> | undefined)?.[AUDIT_STORE_QUERY_OPTION] === true;
}

const ignoreError: InterceptorErrorHandler = () => undefined;

export function runQueryCall(
  call: QueryCall,
  interceptors: readonly QueryInterceptor[],
  original: () => Promise<unknown>,
  onError: InterceptorErrorHandler = ignoreError,
): Promise<unknown> {
  return runInterceptorChain(call, interceptors, original, onError);
}

const NO_OPTIONS: Readonly<QueryOptionsLike> = Object.freeze({});

/** The transaction a query runs in: the explicit one, else the CLS one (as Sequelize does). */
export function transactionOfQuery(call: QueryCall): TransactionLike | undefined {
  const explicit = call.options.transaction;
  if (explicit !== undefined) return explicit ?? undefined;
  return clsTransactionOf(call.sequelize);
}

function describeCall(sequelize: SequelizeLike, sql: unknown, options: unknown): QueryCall {
  const queryOptions = (options ?? NO_OPTIONS) as QueryOptionsLike;
  const sqlObject = typeof sql === 'object' && sql !== null ? (sql as SqlObjectLike) : undefined;
  const text = sqlObject ? String(sqlObject.query ?? '') : String(sql);
  const bind = sqlObject?.bind ?? queryOptions.bind;
  const positional = asPositionalBinds(text, bind);
  return {
    sequelize,
    sql: positional?.sql ?? text,
    options: queryOptions,
    modelCall: activeModelCall(),
    bind: positional?.bind ?? bind,
    replacements: sqlObject?.values ?? queryOptions.replacements,
  };
}

/**
 * The interceptors to run a query through, asked on every query: the instrumentation leaves
 * out those that the configuration makes pass-through.
 */
export type QueryInterceptors = () => readonly QueryInterceptor[];

/** Builds the replacement of `Sequelize.prototype.query`. */
export function wrapQuery(
  interceptors: QueryInterceptors,
  onError: InterceptorErrorHandler,
): (original: AsyncMethod) => AsyncMethod {
  return (original) =>
    function patchedQuery(this: unknown, ...args: unknown[]) {
      let call: QueryCall;
      try {
        call = describeCall(this as SequelizeLike, args[0], args[1]);
      } catch (error) {
        onError(error);
        return original.apply(this, args);
      }
      return runQueryCall(call, interceptors(), () => original.apply(this, args), onError);
    };
}
