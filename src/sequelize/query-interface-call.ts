import { context, createContextKey } from '@opentelemetry/api';
import { runInterceptorChain } from './interceptor-chain';
import type { Interceptor, InterceptorErrorHandler } from './interceptor-chain';
import type { SequelizeLike } from './internal-types';

/*
 * The query-interface seam: schema-changing methods of `sequelize.getQueryInterface()`
 * (what `sync`, migrations and application code call). Version-neutral: it patches the
 * prototype chain of whatever query-interface object a Sequelize instance hands out (the
 * dialect's subclass overrides some methods, e.g. SQLite's changeColumn, so the base class
 * alone would miss them), the first time that object is handed out.
 */

/** One call of a schema-changing query-interface method, as the interceptors see it. */
export interface QueryInterfaceCall {
  /** `createTable`, `addColumn`, `changeColumn`, ... */
  readonly method: string;
  readonly sequelize: SequelizeLike;
  /** The caller's arguments: read them, never mutate them. */
  readonly args: readonly unknown[];
  /** The enclosing schema call (SQLite's changeColumn inside sync), if any. */
  readonly parent?: QueryInterfaceCall;
}

/** Runs around a query-interface call; same contract as the other seams. */
export type QueryInterfaceInterceptor = Interceptor<QueryInterfaceCall>;

/** Asked on every call: the instrumentation leaves out pass-through interceptors. */
export type QueryInterfaceInterceptors = () => readonly QueryInterfaceInterceptor[];

/** The schema-changing methods that are patched (those the query interface has). */
export const QUERY_INTERFACE_DDL_METHODS = [
  'createTable',
  'dropTable',
  'dropAllTables',
  'renameTable',
  'addColumn',
  'removeColumn',
  'changeColumn',
  'renameColumn',
  'addIndex',
  'removeIndex',
  'addConstraint',
  'removeConstraint',
  'createSchema',
  'dropSchema',
] as const;

const CALL_KEY = createContextKey('otel-sequelize-audit query-interface call');

/** The schema call the current async work runs inside, if any. */
export function activeQueryInterfaceCall(): QueryInterfaceCall | undefined {
  return context.active().getValue(CALL_KEY) as QueryInterfaceCall | undefined;
}

type Method = (this: unknown, ...args: unknown[]) => unknown;
interface PatchedMethod extends Method {
  __original?: Method;
}

/** Prototypes patched, with the methods replaced on each, so that `unpatch` restores them. */
const patched = new Map<object, string[]>();
/** Query-interface objects whose chain is patched: one lookup on every later call. */
let checked = new WeakSet<object>();

/**
 * Patches the schema methods of a query-interface object's prototype chain (once per
 * prototype); later calls with objects of the same classes cost one lookup.
 */
export function patchQueryInterface(
  queryInterface: unknown,
  interceptors: QueryInterfaceInterceptors,
  onError: InterceptorErrorHandler,
): void {
  if (queryInterface === null || typeof queryInterface !== 'object') return;
  if (checked.has(queryInterface)) return;
  checked.add(queryInterface);
  let proto: object | null = Object.getPrototypeOf(queryInterface) as object | null;
  while (proto && proto !== Object.prototype) {
    if (!patched.has(proto)) patchPrototype(proto, interceptors, onError);
    proto = Object.getPrototypeOf(proto) as object | null;
  }
}

function patchPrototype(
  proto: object,
  interceptors: QueryInterfaceInterceptors,
  onError: InterceptorErrorHandler,
): void {
  const methods: string[] = [];
  const target = proto as Record<string, unknown>;
  for (const method of QUERY_INTERFACE_DDL_METHODS) {
    if (!Object.prototype.hasOwnProperty.call(proto, method)) continue;
    const original = target[method];
    if (typeof original !== 'function') continue;
    const wrapper: PatchedMethod = function patchedQueryInterfaceMethod(this: unknown, ...args) {
      const self = this as { sequelize?: SequelizeLike };
      if (!self?.sequelize) return (original as Method).apply(this, args);
      const call: QueryInterfaceCall = {
        method,
        sequelize: self.sequelize,
        args,
        parent: activeQueryInterfaceCall(),
      };
      return context.with(context.active().setValue(CALL_KEY, call), () =>
        runInterceptorChain(
          call,
          interceptors(),
          () => settled(() => (original as Method).apply(this, args)),
          onError,
        ),
      );
    };
    wrapper.__original = original as Method;
    target[method] = wrapper;
    methods.push(method);
  }
  patched.set(proto, methods);
}

/** What `run` returns, as a promise; a synchronous throw becomes a rejection (run once only). */
function settled(run: () => unknown): Promise<unknown> {
  try {
    return Promise.resolve(run());
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Restores every patched query-interface prototype. */
export function unpatchQueryInterfaces(): void {
  for (const [proto, methods] of patched) {
    const target = proto as Record<string, PatchedMethod>;
    for (const method of methods) {
      const original = target[method]?.__original;
      if (original) target[method] = original;
    }
  }
  patched.clear();
  checked = new WeakSet();
}

/**
 * Builds the replacement of `Sequelize.prototype.getQueryInterface`: returns exactly what the
 * original returned, after making sure its schema methods are patched.
 */
export function wrapGetQueryInterface(
  interceptors: QueryInterfaceInterceptors,
  onError: InterceptorErrorHandler,
): (original: Method) => Method {
  return (original) =>
    function patchedGetQueryInterface(this: unknown, ...args: unknown[]) {
      const queryInterface = original.apply(this, args);
      try {
        patchQueryInterface(queryInterface, interceptors, onError);
      } catch (error) {
        onError(error);
      }
      return queryInterface;
    };
}
