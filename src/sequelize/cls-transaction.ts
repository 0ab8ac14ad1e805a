import type { TransactionLike } from './internal-types';

/** A namespace given to `Sequelize.useCLS()`; cls-hooked's keeps its context in `active`. */
interface ClsNamespaceView {
  active?: Record<string, unknown> | null;
  get?(key: string): unknown;
}

/**
 * The CLS transaction (`Sequelize.useCLS` on v6, AsyncLocalStorage on v7) of the current async context, as Sequelize's own
 * `namespace.get('transaction')` would answer, for a Sequelize instance or its constructor.
 *
 * A cls-hooked (or continuation-local-storage) namespace is read through its `active`
 * context, the very object its `get` reads, so the package calls none of the namespace's
 * methods: an application (or a test spying on `get`) sees exactly the lookups Sequelize
 * itself makes. Any other namespace is asked through `get`, as Sequelize does.
 */
export function clsTransactionOf(
  sequelizeOrClass: object | undefined,
): TransactionLike | undefined {
  const v7 = sequelizeOrClass as { getCurrentClsTransaction?: () => TransactionLike | undefined };
  // Sequelize 7: AsyncLocalStorage, asked through the instance.
  if (typeof v7?.getCurrentClsTransaction === 'function') return v7.getCurrentClsTransaction();
  const constructor =
    typeof sequelizeOrClass === 'function' ? sequelizeOrClass : sequelizeOrClass?.constructor;
  const cls = (constructor as { _cls?: ClsNamespaceView | null } | undefined)?._cls;
  if (!cls) return undefined;
  if ('active' in cls) return (cls.active?.transaction as TransactionLike | null) ?? undefined;
  return (cls.get?.('transaction') as TransactionLike | null | undefined) ?? undefined;
}
