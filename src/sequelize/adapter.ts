import type {
  ModelStaticLike,
  SequelizeErrorLike,
  DriverErrorLike,
  SequelizeLike,
  TransactionLike,
} from './internal-types';

/**
 * One attribute of a model, as every Sequelize major describes it to the rest of the package.
 * Names are Sequelize 6's (`field` is the column), whatever the major calls them.
 */
export interface AttributeFacts {
  /** The column name. */
  readonly field: string;
  /** The data type's key (`STRING`, `DECIMAL`, `VIRTUAL`, ...), when known. */
  readonly typeKey?: string;
  /** True for a type that converts its value before binding it (BLOB, FLOAT, GEOMETRY...). */
  readonly convertsBeforeBinding: boolean;
  readonly unique?: unknown;
  /** What a foreign key points at: the referenced table and column. */
  readonly references?: { readonly table?: string; readonly key?: string };
  readonly onDelete?: unknown;
  readonly onUpdate?: unknown;
  readonly hasDefaultValue: boolean;
  readonly defaultValue?: unknown;
}

/** Where a Sequelize instance connects. */
export interface ConnectionFacts {
  readonly database?: string;
  readonly host?: string;
  readonly port?: number | string;
  /** SQLite's file (or `:memory:`). */
  readonly storage?: string;
}

/** The query interface calls the audit side makes. */
export interface QueryInterfaceLike {
  describeTable(
    table: string | { tableName: string; schema?: string },
    options?: Record<string, unknown>,
  ): Promise<Record<string, unknown>>;
  queryGenerator: { whereQuery(where: unknown, options: Record<string, unknown>): string };
}

/**
 * What differs between Sequelize majors, behind one interface: the rest of the package asks
 * these, and never knows which major it runs on. Reading a fact never triggers one of
 * Sequelize's deprecation warnings.
 */
export interface SequelizeAdapter {
  readonly major: 6 | 7;
  /** The dialect, by Sequelize 6's names: `postgres`, `mysql`, `mariadb`, `sqlite`, ... */
  dialect(sequelize: SequelizeLike): string;
  connection(sequelize: SequelizeLike): ConnectionFacts;
  /** The instance's default isolation level, if set. */
  defaultIsolationLevel(sequelize: SequelizeLike): unknown;
  /** The transaction the current async context runs in (CLS), if any. */
  clsTransaction(sequelize: SequelizeLike): TransactionLike | undefined;
  /** The savepoint's name, for a nested transaction, when the major tells it. */
  savepointName(transaction: TransactionLike): string | undefined;
  models(sequelize: SequelizeLike): ModelStaticLike[];
  queryInterface(sequelize: SequelizeLike): QueryInterfaceLike;
  /** Table name and schema of a model. */
  table(model: ModelStaticLike): { tableName: string; schema?: string };
  attributes(model: ModelStaticLike): ReadonlyMap<string, AttributeFacts>;
  primaryKeyAttributes(model: ModelStaticLike): readonly string[];
  /** The `deletedAt` attribute, for a paranoid model. */
  deletedAtAttribute(model: ModelStaticLike): string | undefined;
  /** Unique keys, as lists of column names. */
  uniqueKeys(model: ModelStaticLike): readonly (readonly string[])[];
  /** The model without its default scope. */
  unscoped<M extends ModelStaticLike>(model: M): M;
  /** The driver's error inside a Sequelize error. */
  driverError(error: SequelizeErrorLike): DriverErrorLike | undefined;
}
