import type { AttributeFacts, QueryInterfaceLike, SequelizeAdapter } from './adapter';
import type { ModelStaticLike, SequelizeLike, TransactionLike } from './internal-types';
import { clsTransactionOf } from './cls-transaction';

/** What Sequelize 6 keeps on its instances and model classes. */
interface V6Sequelize {
  getDialect(): string;
  config: { database?: string; host?: string; port?: number | string };
  options: { storage?: unknown; isolationLevel?: unknown };
  models: Record<string, ModelStaticLike>;
  getQueryInterface(): QueryInterfaceLike;
}

interface V6Attribute {
  field?: string;
  type?: unknown;
  unique?: unknown;
  references?: { model?: unknown; key?: unknown } | string;
  onDelete?: unknown;
  onUpdate?: unknown;
  defaultValue?: unknown;
}

interface V6Model {
  rawAttributes: Record<string, V6Attribute>;
  primaryKeyAttributes: string[];
  _timestampAttributes?: { deletedAt?: string };
  uniqueKeys?: Record<string, { fields: string[] }>;
  options: { paranoid?: boolean };
  getTableName(): string | { tableName: string; schema?: string };
  unscoped(): unknown;
}

const v6 = (sequelize: SequelizeLike) => sequelize as unknown as V6Sequelize;
const v6Model = (model: ModelStaticLike) => model as unknown as V6Model;

function referencedTable(model: unknown): string | undefined {
  if (typeof model === 'string') return model;
  if (model === null || (typeof model !== 'object' && typeof model !== 'function'))
    return undefined;
  const { tableName } = model as { tableName?: unknown };
  return typeof tableName === 'string' ? tableName : undefined;
}

function attributeFacts(name: string, raw: V6Attribute): AttributeFacts {
  const references =
    raw.references && typeof raw.references === 'object'
      ? {
          table: referencedTable(raw.references.model),
          key: raw.references.key === undefined ? undefined : String(raw.references.key),
        }
      : undefined;
  return {
    field: raw.field ?? name,
    typeKey: (raw.type as { key?: string } | undefined)?.key,
    convertsBeforeBinding:
      typeof (raw.type as { _bindParam?: unknown } | undefined)?._bindParam === 'function',
    unique: raw.unique,
    references,
    onDelete: raw.onDelete,
    onUpdate: raw.onUpdate,
    hasDefaultValue: 'defaultValue' in raw,
    defaultValue: raw.defaultValue,
  };
}

/** Sequelize 6 (`sequelize`). */
export const v6Adapter: SequelizeAdapter = {
  major: 6,
  dialect: (sequelize) => v6(sequelize).getDialect(),
  connection(sequelize) {
    const { config, options } = v6(sequelize);
    const storage = typeof options.storage === 'string' ? options.storage : undefined;
    return { database: config.database, host: config.host, port: config.port, storage };
  },
  defaultIsolationLevel: (sequelize) => v6(sequelize).options.isolationLevel,
  clsTransaction: (sequelize) => clsTransactionOf(sequelize),
  savepointName: (transaction: TransactionLike) =>
    transaction.parent ? (transaction as { name?: string }).name : undefined,
  models: (sequelize) => Object.values(v6(sequelize).models),
  queryInterface: (sequelize) => v6(sequelize).getQueryInterface(),
  table(model) {
    const name = v6Model(model).getTableName();
    return typeof name === 'string' ? { tableName: name } : name;
  },
  attributes(model) {
    const facts = new Map<string, AttributeFacts>();
    for (const [name, raw] of Object.entries(v6Model(model).rawAttributes)) {
      facts.set(name, attributeFacts(name, raw));
    }
    return facts;
  },
  primaryKeyAttributes: (model) => v6Model(model).primaryKeyAttributes,
  deletedAtAttribute(model) {
    const { options, _timestampAttributes } = v6Model(model);
    return options.paranoid ? _timestampAttributes?.deletedAt : undefined;
  },
  uniqueKeys(model) {
    const { uniqueKeys, rawAttributes } = v6Model(model);
    const keys: string[][] = Object.values(uniqueKeys ?? {}).map((key) => [...key.fields]);
    for (const [name, attribute] of Object.entries(rawAttributes)) {
      if (attribute.unique === true || typeof attribute.unique === 'string') {
        keys.push([attribute.field ?? name]);
      }
    }
    return keys;
  },
  unscoped: <M extends ModelStaticLike>(model: M) => v6Model(model).unscoped() as M,
  driverError: (error) => error.original ?? error.parent,
};
