/*
 * Shapes of the Sequelize internals this package reads. Never exported from the package:
 * hooks and records receive our own typed objects instead.
 */

/** What we read of a Sequelize instance (`new Sequelize(...)`). */
export interface SequelizeLike {
  options: {
    dialect?: string;
    host?: string;
    port?: number | string;
    database?: string;
    [key: string]: unknown;
  };
  query(sql: unknown, options?: Record<string, unknown>): Promise<unknown>;
}

/** What we read of a model class. */
export interface ModelStaticLike {
  name: string;
  sequelize?: SequelizeLike;
  options: {
    paranoid?: boolean;
    deletedAt?: string | boolean;
    timestamps?: boolean;
    [key: string]: unknown;
  };
}

/** What we read of a model instance. */
export interface ModelInstanceLike {
  constructor: unknown;
  dataValues: Record<string, unknown>;
  _previousDataValues: Record<string, unknown>;
  isNewRecord: boolean;
  get(options?: { plain?: boolean }): Record<string, unknown>;
  changed(): string[] | false;
}

/** What we read of a Sequelize transaction. */
export interface TransactionLike {
  id: string;
  name: string;
  parent?: TransactionLike;
  finished?: 'commit' | 'rollback';
  options: { isolationLevel?: string | null; type?: string; readOnly?: boolean };
  sequelize: SequelizeLike;
  afterCommit(fn: (transaction: TransactionLike) => void | Promise<void>): void;
}

/** A Sequelize method as the instrumentation wraps it. */
export type AsyncMethod = (this: unknown, ...args: unknown[]) => Promise<unknown>;

/** An object whose methods are patched by name. */
export type PatchableMethods = Record<string, AsyncMethod>;

/** A cls-hooked style namespace registered with `Sequelize.useCLS()`. */
export interface ClsNamespaceLike {
  get(key: string): unknown;
}

/** What we patch of the `sequelize` module. */
export interface SequelizeModuleLike {
  Sequelize: { prototype: PatchableMethods & { queryRaw?: AsyncMethod }; _cls?: ClsNamespaceLike };
  Model: PatchableMethods & { prototype: PatchableMethods };
  Transaction: { prototype: PatchableMethods };
}

/** The SQL argument of `sequelize.query()` when given as an object. */
export interface SqlObjectLike {
  query?: string;
  bind?: unknown;
  values?: unknown;
}

/** What we read of the options of `sequelize.query()`. */
export interface QueryOptionsLike {
  /** Sequelize's query type: `SELECT`, `BULKUPDATE`, `RAW`, `VERSION`, ... */
  type?: string;
  model?: ModelStaticLike;
  instance?: ModelInstanceLike;
  /** Tables of a SELECT (with includes), as Sequelize computed them. */
  tableNames?: string[];
  transaction?: TransactionLike | null;
  bind?: unknown;
  replacements?: unknown;
  plain?: boolean;
  [key: string]: unknown;
}

/** What we read of a driver error (`error.original` of a Sequelize DatabaseError). */
export interface DriverErrorLike {
  code?: string | number;
  errno?: number;
  sqlState?: string;
}

/** What we read of a Sequelize error. */
export interface SequelizeErrorLike extends Error {
  original?: DriverErrorLike;
  parent?: DriverErrorLike;
}

/** Model class members the audit side reads: keys, timestamps and row reads for pre-images. */
export interface AuditableModelLike extends ModelStaticLike {
  sequelize: SequelizeLike;
  findAll(options: Record<string, unknown>): Promise<ModelInstanceLike[]>;
}
