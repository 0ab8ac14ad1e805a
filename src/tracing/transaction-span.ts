import { context, createContextKey, SpanKind, trace } from '@opentelemetry/api';
import type { Attributes, Context, Span } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import type { AsyncMethod, TransactionLike } from '../sequelize/internal-types';
import type { TransactionCall, TransactionInterceptor } from '../sequelize/transaction-call';
import { connectionInfo } from './connection-attributes';
import { observeDownstream } from '../sequelize/interceptor-chain';
import type { SettlementObserver } from '../sequelize/interceptor-chain';
import { recordFailure } from './record-error';
import {
  ATTR_TRANSACTION_ID,
  ATTR_TRANSACTION_ISOLATION_LEVEL,
  ATTR_TRANSACTION_OUTCOME,
  ATTR_TRANSACTION_READ_ONLY,
  ATTR_TRANSACTION_SAVEPOINT,
  ATTR_TRANSACTION_TYPE,
  TRANSACTION_SPAN_NAME,
} from './span-attributes';
import type { TracingDeps } from './tracing-wiring';
import { defaultIsolationLevelOf, dialectOf, savepointNameOf } from '../sequelize/sequelize-facts';

/** Marks a context as the inside of one transaction (its span, its work). */
const TRANSACTION_KEY = createContextKey('otel-sequelize-audit transaction');

interface TransactionSpan {
  readonly transaction: TransactionLike;
  readonly span: Span;
  readonly dbSystem: string;
  ended: boolean;
}

/**
 * Whether work in `active` already runs inside `transaction`: in it, or in one of its
 * savepoints (Sequelize sends a savepoint's SAVEPOINT and ROLLBACK TO on the outer one).
 */
function isInside(active: Context, transaction: TransactionLike): boolean {
  let current = active.getValue(TRANSACTION_KEY) as TransactionLike | undefined;
  while (current) {
    if (current === transaction) return true;
    current = current.parent;
  }
  return false;
}

/**
 * `base` with the transaction's span active and the transaction marked. Everything else of
 * `base` (the enclosing model call, the audit context, ...) is kept.
 */
function enter(base: Context, traced: TransactionSpan): Context {
  return trace.setSpan(base, traced.span).setValue(TRANSACTION_KEY, traced.transaction);
}

const OUTCOME = { commit: 'committed', rollback: 'rolled_back' } as const;

/**
 * A span per transaction (and per savepoint), from BEGIN to COMMIT or ROLLBACK, that
 * parents the work done in the transaction.
 */
export class TransactionTracing {
  // A WeakMap: an abandoned transaction must not be kept alive by its span.
  private readonly spans = new WeakMap<TransactionLike, TransactionSpan>();

  constructor(private readonly deps: TracingDeps) {}

  private readonly onError = (error: unknown) =>
    this.deps.diag.error('ending a transaction span failed', error);

  readonly interceptor: TransactionInterceptor = (call, next) =>
    call.action === 'begin' ? this.begin(call, next) : this.finish(call, next);

  /**
   * The context to start a unit of work of `transaction` in: the active one, unless it is not
   * already inside that transaction and the transaction has a span (unmanaged transactions,
   * work passed `{ transaction }` from elsewhere).
   */
  parentContext(active: Context, transaction: TransactionLike | undefined): Context {
    if (!transaction || isInside(active, transaction)) return active;
    const traced = this.spans.get(transaction);
    return traced && !traced.ended ? enter(active, traced) : active;
  }

  /**
   * Wraps `Sequelize.prototype.transaction` so that the callback of a managed transaction
   * runs with the transaction span active (Sequelize calls it after an `await`, where the
   * context set around BEGIN is gone).
   */
  readonly wrapManagedTransaction = (original: AsyncMethod): AsyncMethod => {
    const spans = this.spans;
    return function patchedTransaction(this: unknown, ...args: unknown[]) {
      const index = args.findIndex((arg) => typeof arg === 'function');
      if (index < 0) return original.apply(this, args);
      const callback = args[index] as (transaction: TransactionLike) => unknown;
      const withSpan = (transaction: TransactionLike) => {
        const traced = spans.get(transaction);
        return traced
          ? context.with(enter(context.active(), traced), callback, undefined, transaction)
          : callback(transaction);
      };
      const patchedArgs = [...args];
      patchedArgs[index] = withSpan;
      return original.apply(this, patchedArgs);
    };
  };

  private begin(call: TransactionCall, next: () => Promise<unknown>): Promise<unknown> {
    const config = this.deps.config();
    const active = context.active();
    if (config.transactionSpans === false || isTracingSuppressed(active)) return next();
    const { transaction } = call;
    const parent = this.parentContext(active, transaction.parent);
    if (config.requireParentSpan && !trace.getSpan(parent)) return next();
    const connection = connectionInfo(transaction.sequelize);
    const span = this.deps.tracer().startSpan(
      TRANSACTION_SPAN_NAME,
      {
        kind: SpanKind.INTERNAL,
        attributes: transactionAttributes(transaction, connection.attributes),
      },
      parent,
    );
    const traced: TransactionSpan = {
      transaction,
      span,
      dbSystem: connection.dbSystem,
      ended: false,
    };
    this.spans.set(transaction, traced);
    // A failed BEGIN is rolled back inside prepareEnvironment, which may have ended it.
    const endIfFailed: SettlementObserver = (_result, error, failed) => {
      if (failed) this.end(traced, undefined, error);
    };
    return observeDownstream(context.with(enter(parent, traced), next), endIfFailed, this.onError);
  }

  private finish(call: TransactionCall, next: () => Promise<unknown>): Promise<unknown> {
    const traced = this.spans.get(call.transaction);
    if (!traced || traced.ended) return next();
    const outcome = OUTCOME[call.action as keyof typeof OUTCOME];
    const endSpan: SettlementObserver = (_result, error, failed) =>
      failed ? this.end(traced, undefined, error) : this.end(traced, outcome);
    return observeDownstream(
      context.with(enter(context.active(), traced), next),
      endSpan,
      this.onError,
    );
  }

  private end(traced: TransactionSpan, outcome?: string, error?: unknown): void {
    if (traced.ended) return;
    traced.ended = true;
    try {
      if (outcome) traced.span.setAttribute(ATTR_TRANSACTION_OUTCOME, outcome);
      if (error !== undefined) recordFailure(traced.span, error, traced.dbSystem);
    } finally {
      traced.span.end();
    }
  }
}

function transactionAttributes(
  transaction: TransactionLike,
  connection: Readonly<Attributes>,
): Attributes {
  const attributes: Attributes = { ...connection, [ATTR_TRANSACTION_ID]: transaction.id };
  const { options } = transaction;
  const isolationLevel = options.isolationLevel ?? defaultIsolationLevelOf(transaction.sequelize);
  if (typeof isolationLevel === 'string')
    attributes[ATTR_TRANSACTION_ISOLATION_LEVEL] = isolationLevel;
  // Only SQLite's BEGIN takes a type (DEFERRED, IMMEDIATE, EXCLUSIVE).
  if (options.type && dialectOf(transaction.sequelize) === 'sqlite') {
    attributes[ATTR_TRANSACTION_TYPE] = options.type;
  }
  if (options.readOnly) attributes[ATTR_TRANSACTION_READ_ONLY] = true;
  if (transaction.parent) attributes[ATTR_TRANSACTION_SAVEPOINT] = savepointNameOf(transaction);
  return attributes;
}
