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
  config: { database?: string; host?: string; port?: number | string; username?: string };
  getDialect(): string;
  query(sql: unknown, options?: Record<string, unknown>): Promise<unknown>;
  models: Record<string, ModelStaticLike>;
}

/** What we read of a model class. */
export interface ModelStaticLike {
  name: string;
  tableName: string;
  sequelize?: SequelizeLike;
  primaryKeyAttributes: string[];
  rawAttributes: Record<string, { field?: string; type?: unknown; [key: string]: unknown }>;
  options: {
    paranoid?: boolean;
    deletedAt?: string | boolean;
    timestamps?: boolean;
    [key: string]: unknown;
  };
  getTableName(): string | { tableName: string; schema?: string; toString(): string };
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
