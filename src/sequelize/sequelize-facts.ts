import type {
  AttributeFacts,
  ConnectionFacts,
  QueryInterfaceLike,
  SequelizeAdapter,
} from './adapter';
import type {
  DriverErrorLike,
  ModelStaticLike,
  SequelizeErrorLike,
  SequelizeLike,
  TransactionLike,
} from './internal-types';
import { v6Adapter } from './v6-adapter';
import { v7Adapter } from './v7-adapter';

/*
 * The facts the rest of the package reads of Sequelize objects, whichever major made them:
 * each asks the adapter of the object's major. Callers outside this layer never know which
 * major they run on.
 */

/** The adapter of the major that made this Sequelize instance. */
export function adapterOf(sequelize: SequelizeLike): SequelizeAdapter {
  // Only Sequelize 7 instances can tell their AsyncLocalStorage transaction.
  return typeof (sequelize as { getCurrentClsTransaction?: unknown }).getCurrentClsTransaction ===
    'function'
    ? v7Adapter
    : v6Adapter;
}

/** Whether a value is a model class of either major. */
export function isModelClass(value: unknown): value is ModelStaticLike {
  if (typeof value !== 'function') return false;
  const model = value as { modelDefinition?: unknown; rawAttributes?: unknown };
  return typeof model.modelDefinition === 'object' || typeof model.rawAttributes === 'object';
}

function modelAdapter(model: ModelStaticLike): SequelizeAdapter {
  return (model as { modelDefinition?: unknown }).modelDefinition !== undefined
    ? v7Adapter
    : v6Adapter;
}

/** The dialect, by Sequelize 6's names: `postgres`, `mysql`, `mariadb`, `sqlite`, ... */
export const dialectOf = (sequelize: SequelizeLike): string =>
  adapterOf(sequelize).dialect(sequelize);

export const connectionOf = (sequelize: SequelizeLike): ConnectionFacts =>
  adapterOf(sequelize).connection(sequelize);

export const defaultIsolationLevelOf = (sequelize: SequelizeLike): unknown =>
  adapterOf(sequelize).defaultIsolationLevel(sequelize);

/** The transaction of the current async context (CLS / AsyncLocalStorage), if any. */
export function clsTransactionOfInstance(
  sequelize: SequelizeLike | undefined,
): TransactionLike | undefined {
  return sequelize ? adapterOf(sequelize).clsTransaction(sequelize) : undefined;
}

export const savepointNameOf = (transaction: TransactionLike): string | undefined =>
  adapterOf(transaction.sequelize).savepointName(transaction);

export const modelsOf = (sequelize: SequelizeLike): ModelStaticLike[] =>
  adapterOf(sequelize).models(sequelize);

export const queryInterfaceOf = (sequelize: SequelizeLike): QueryInterfaceLike =>
  adapterOf(sequelize).queryInterface(sequelize);

export const tableOf = (model: ModelStaticLike): { tableName: string; schema?: string } =>
  modelAdapter(model).table(model);

export const attributesOf = (model: ModelStaticLike): ReadonlyMap<string, AttributeFacts> =>
  modelAdapter(model).attributes(model);

export const primaryKeyAttributesOf = (model: ModelStaticLike): readonly string[] =>
  modelAdapter(model).primaryKeyAttributes(model);

export const deletedAtAttributeOf = (model: ModelStaticLike): string | undefined =>
  modelAdapter(model).deletedAtAttribute(model);

export const uniqueKeysOf = (model: ModelStaticLike): readonly (readonly string[])[] =>
  modelAdapter(model).uniqueKeys(model);

export const unscopedModel = <M extends ModelStaticLike>(model: M): M =>
  modelAdapter(model).unscoped(model);

/** The driver's error inside a Sequelize error (v6 `original`, v7 `cause`), read quietly. */
export function driverErrorOf(error: unknown): DriverErrorLike | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const sequelizeError = error as SequelizeErrorLike;
  // Sequelize 7 errors have `cause`; their `original` getter warns.
  if (
    'cause' in sequelizeError &&
    sequelizeError.cause &&
    typeof sequelizeError.cause === 'object'
  ) {
    return v7Adapter.driverError(sequelizeError);
  }
  return v6Adapter.driverError(sequelizeError);
}

/** The base class of Sequelize's SQL expressions: v6 `SequelizeMethod`, v7 `BaseSqlExpression`. */
const SQL_EXPRESSION_BASES: ReadonlySet<string> = new Set(['SequelizeMethod', 'BaseSqlExpression']);

/**
 * Whether a value is a Sequelize SQL expression (`literal`, `fn`, `col`, `cast`, ...) of
 * either major.
 */
export function isSequelizeSqlExpression(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  for (let proto = Object.getPrototypeOf(value); proto; proto = Object.getPrototypeOf(proto)) {
    const name = (proto as { constructor?: { name?: string } }).constructor?.name;
    if (name !== undefined && SQL_EXPRESSION_BASES.has(name)) return true;
  }
  return false;
}
