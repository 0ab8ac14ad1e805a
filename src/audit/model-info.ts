import type { AuditableModelLike, ModelStaticLike, SequelizeLike } from '../internal-types';

/** What an audit record needs to know about a model, computed once per model class. */
export interface ModelInfo {
  readonly model: AuditableModelLike;
  readonly name: string;
  /** Table name, without schema. */
  readonly table: string;
  readonly dbSystem: string;
  readonly namespace?: string;
  /** Primary key attributes; empty for a model without a primary key. */
  readonly primaryKeys: readonly string[];
  /** The paranoid `deletedAt` attribute, when the model is paranoid. */
  readonly deletedAt?: string;
  /** Attributes stored in the table (no VIRTUAL ones). */
  readonly columns: readonly string[];
  /**
   * Exact numeric attributes (DECIMAL, NUMERIC, BIGINT), recorded as strings: some drivers
   * return them as strings, others as numbers, and a float would lose digits.
   */
  readonly exactNumericColumns: ReadonlySet<string>;
}

const DB_SYSTEMS: Record<string, string> = {
  postgres: 'postgresql',
  mysql: 'mysql',
  mariadb: 'mariadb',
  sqlite: 'sqlite',
  mssql: 'microsoft.sql_server',
  db2: 'ibm.db2',
  ibmi: 'ibm.db2',
  oracle: 'oracle.db',
  snowflake: 'snowflake',
};

/** `db.system.name` of a Sequelize dialect. */
export function dbSystemOf(sequelize: SequelizeLike): string {
  return DB_SYSTEMS[sequelize.getDialect()] ?? 'other_sql';
}

/** `db.namespace`: the database name, or the file of an SQLite database. */
export function namespaceOf(sequelize: SequelizeLike): string | undefined {
  const storage = sequelize.options.storage;
  return sequelize.config.database || (typeof storage === 'string' ? storage : undefined);
}

const infos = new WeakMap<ModelStaticLike, ModelInfo>();

/** The audit facts of a model class (cached; model definitions do not change once used). */
export function modelInfo(model: ModelStaticLike): ModelInfo {
  let info = infos.get(model);
  if (!info) {
    info = describeModel(model as AuditableModelLike);
    infos.set(model, info);
  }
  return info;
}

function describeModel(model: AuditableModelLike): ModelInfo {
  const tableName = model.getTableName();
  const deletedAt = model.options.paranoid ? model._timestampAttributes?.deletedAt : undefined;
  return {
    model,
    name: model.name,
    table: typeof tableName === 'string' ? tableName : tableName.tableName,
    dbSystem: dbSystemOf(model.sequelize),
    namespace: namespaceOf(model.sequelize),
    primaryKeys: [...model.primaryKeyAttributes],
    deletedAt,
    columns: Object.keys(model.rawAttributes).filter(
      (name) => typeKey(model.rawAttributes[name].type) !== 'VIRTUAL',
    ),
    exactNumericColumns: new Set(
      Object.keys(model.rawAttributes).filter((name) =>
        EXACT_NUMERIC_TYPES.has(typeKey(model.rawAttributes[name].type) ?? ''),
      ),
    ),
  };
}

const EXACT_NUMERIC_TYPES = new Set(['DECIMAL', 'NUMERIC', 'BIGINT']);

function typeKey(type: unknown): string | undefined {
  return (type as { key?: string } | undefined)?.key;
}
