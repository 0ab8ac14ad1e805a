import { clsTransactionOf } from '../../sequelize/cls-transaction';
import type { AuditableModelLike, TransactionLike } from '../../sequelize/internal-types';
import type { AuditRecorder } from '../recorder';

/** What every capture function gets. */
export interface CaptureContext {
  readonly recorder: AuditRecorder;
}

/** Options of a model call (`{}` when the caller gave none). */
export type CallOptions = Readonly<Record<string, unknown>>;

/** The options argument at `index` of a model call. */
export function optionsAt(args: readonly unknown[], index: number): CallOptions {
  const value = args[index];
  return value !== null && typeof value === 'object' ? (value as CallOptions) : {};
}

/**
 * The transaction a model call writes in, as Sequelize resolves it: the explicit
 * `options.transaction` (`null` meaning none), else the CLS one (`Sequelize.useCLS`).
 */
export function transactionOfCall(
  model: AuditableModelLike,
  options: CallOptions,
): TransactionLike | undefined {
  const explicit = options.transaction as TransactionLike | null | undefined;
  if (explicit !== undefined) return explicit ?? undefined;
  return clsTransactionOf(model.sequelize);
}
