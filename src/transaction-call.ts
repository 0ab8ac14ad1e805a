import type { TransactionLike } from './internal-types';

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
export type TransactionInterceptor = (
  call: TransactionCall,
  next: () => Promise<unknown>,
) => Promise<unknown>;

export function runTransactionCall(
  call: TransactionCall,
  interceptors: readonly TransactionInterceptor[],
  original: () => Promise<unknown>,
): Promise<unknown> {
  const dispatch = (index: number): Promise<unknown> => {
    if (index === interceptors.length) return original();
    return interceptors[index](call, () => dispatch(index + 1));
  };
  return dispatch(0);
}
