import { runInterceptorChain } from './interceptor-chain';
import type { Interceptor, InterceptorErrorHandler } from './interceptor-chain';
import type { AsyncMethod, TransactionLike } from './internal-types';

/**
 * One step of a Sequelize transaction's life, as the interceptors see it:
 * `begin` (Transaction#prepareEnvironment, which sends BEGIN or SAVEPOINT), `commit`, `rollback`.
 * For a savepoint, `transaction.parent` is set.
 */
export interface TransactionCall {
  readonly transaction: TransactionLike;
  readonly action: 'begin' | 'commit' | 'rollback';
}

/**
 * Runs around a transaction step. Must call `next()` exactly once and return (or throw)
 * exactly what it returned (or threw).
 */
export type TransactionInterceptor = Interceptor<TransactionCall>;

const ignoreError: InterceptorErrorHandler = () => undefined;

export function runTransactionCall(
  call: TransactionCall,
  interceptors: readonly TransactionInterceptor[],
  original: () => Promise<unknown>,
  onError: InterceptorErrorHandler = ignoreError,
): Promise<unknown> {
  return runInterceptorChain(call, interceptors, original, onError);
}

/** The Transaction prototype methods patched, with the step each one is. */
export const TRANSACTION_STEPS = {
  prepareEnvironment: 'begin',
  commit: 'commit',
  rollback: 'rollback',
} as const satisfies Record<string, TransactionCall['action']>;

/** Builds the replacement of a Transaction step: `this` is the transaction. */
export function wrapTransactionStep(
  action: TransactionCall['action'],
  interceptors: readonly TransactionInterceptor[],
  onError: InterceptorErrorHandler,
): (original: AsyncMethod) => AsyncMethod {
  return (original) =>
    function patchedTransactionStep(this: unknown, ...args: unknown[]) {
      const call: TransactionCall = { transaction: this as TransactionLike, action };
      return runTransactionCall(call, interceptors, () => original.apply(this, args), onError);
    };
}
