import type { Transaction } from 'sequelize';
import type { TransactionLike } from './internal-types';

/*
 * The public API types a transaction as what users pass (`{ transaction }`: Sequelize's
 * `Transaction`); inside, the seams read more of it than Sequelize's typings declare (id,
 * parent, sequelize). It is the same object: these only change the static view.
 */

/** The internal view of a transaction the public API handed in. */
export function asTransactionLike(transaction: Transaction): TransactionLike {
  return transaction as unknown as TransactionLike;
}

/** The public view of a transaction a seam saw. */
export function asSequelizeTransaction(transaction: TransactionLike): Transaction {
  return transaction as unknown as Transaction;
}
