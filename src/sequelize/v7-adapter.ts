import type {
  AttributeFacts,
  ConnectionFacts,
  QueryInterfaceLike,
  SequelizeAdapter,
} from './adapter';
import type {
  DriverErrorLike,
  ModelStaticLike,
  SequelizeLike,
  TransactionLike,
} from './internal-types';

/*
 * Sequelize 7 (`@sequelize/core`): the dialect is `sequelize.dialect.name` (`getDialect()`
 * warns), where to connect is in `options.replication.write`, the model's attributes, keys
 * and timestamps are in `Model.modelDefinition` (`rawAttributes` is gone; `getTableName()`,
 * `unscoped()` and `getQueryInterface()` warn), the CLS transaction is
 * `getCurrentClsTransaction()` (AsyncLocalStorage), a driver error is the error's `cause`.
 */

interface V7Sequelize {
  dialect: { name: string; queryGenerator: QueryInterfaceLike['queryGenerator'] };
  options: { replication?: { write?: ConnectionFacts }; isolationLevel?: unknown };
  models: Iterable<ModelStaticLike>;
  queryInterface: Omit<QueryInterfaceLike, 'queryGenerator'>;
  getCurrentClsTransaction(): TransactionLike | undefined;
}

interface V7DataType {
  getDataTypeId?(): string;
}

interface V7Attribute {
  columnName: string;
  type?: V7DataType | string;
  references?: { table?: { tableName?: string } | string; key?: string };
  onDelete?: unknown;
  onUpdate?: unknown;
  defaultValue?: unknown;
}

interface V7ModelDefinition {
  table: { tableName: string; schema?: string };
  attributes: ReadonlyMap<string, V7Attribute>;
  primaryKeysAttributeNames: Iterable<string>;
  timestampAttributeNames: { deletedAt?: string };
  isParanoid(): boolean;
  getIndexes(): readonly { unique?: boolean; fields?: readonly unknown[] }[];
}

interface V7Model {
  modelDefinition: V7ModelDefinition;
  withoutScope(): unknown;
}

const v7 = (sequelize: SequelizeLike) => sequelize as unknown as V7Sequelize;
const definitionOf = (model: ModelStaticLike) => (model as unknown as V7Model).modelDefinition;

/** Sequelize 7's dialect names that differ from Sequelize 6's. */
const V6_DIALECT_NAMES: Readonly<Record<string, string>> = { sqlite3: 'sqlite' };

/**
 * Data types whose bound value is the value written, as a read gives it back. Every Sequelize 7
 * type converts through `toBindableValue`; for these the conversion keeps plain strings and
 * numbers as they are. Any other type counts as converting (the rows are read back instead).
 */
const BINDS_UNCHANGED: ReadonlySet<string> = new Set([
  'STRING',
  'CHAR',
  'TEXT',
  'CITEXT',
  'INTEGER',
  'SMALLINT',
  'TINYINT',
  'MEDIUMINT',
  'UUID',
  'ENUM',
]);

function convertsBeforeBinding(type: V7DataType | string | undefined): boolean {
  if (!type || typeof type !== 'object') return true;
  return !BINDS_UNCHANGED.has(type.getDataTypeId?.() ?? '');
}

function attributeFacts(raw: V7Attribute): AttributeFacts {
  const type = typeof raw.type === 'object' ? raw.type : undefined;
  const table = raw.references?.table;
  return {
    field: raw.columnName,
    typeKey: type?.getDataTypeId?.(),
    convertsBeforeBinding: convertsBeforeBinding(raw.type),
    references: raw.references && {
      table: typeof table === 'string' ? table : table?.tableName,
      key: raw.references.key,
    },
    onDelete: raw.onDelete,
    onUpdate: raw.onUpdate,
    hasDefaultValue: 'defaultValue' in raw,
    defaultValue: raw.defaultValue,
  };
}

const savepointNames = new WeakMap<TransactionLike, string>();
const savepointsSeen = new WeakMap<TransactionLike, number>();

/**
 * Sequelize 7 keeps a savepoint's name private; it names them `<id>-sp-<n>`, n counting the
 * parent's savepoints from 0 in the order they were made, which is the order they begin.
 */
function savepointName(transaction: TransactionLike): string | undefined {
  const { parent } = transaction;
  if (!parent) return undefined;
  let name = savepointNames.get(transaction);
  if (name === undefined) {
    const index = savepointsSeen.get(parent) ?? 0;
    savepointsSeen.set(parent, index + 1);
    name = `${transaction.id}-sp-${index}`;
    savepointNames.set(transaction, name);
  }
  return name;
}

/** Sequelize 7 (`@sequelize/core`). */
export const v7Adapter: SequelizeAdapter = {
  major: 7,
  dialect(sequelize) {
    const { name } = v7(sequelize).dialect;
    return V6_DIALECT_NAMES[name] ?? name;
  },
  connection: (sequelize) => v7(sequelize).options.replication?.write ?? {},
  defaultIsolationLevel: (sequelize) => v7(sequelize).options.isolationLevel,
  clsTransaction: (sequelize) => v7(sequelize).getCurrentClsTransaction() ?? undefined,
  savepointName,
  models: (sequelize) => [...v7(sequelize).models],
  queryInterface(sequelize) {
    const { queryInterface, dialect } = v7(sequelize);
    return {
      describeTable: (table, options) => queryInterface.describeTable(table, options),
      queryGenerator: dialect.queryGenerator,
    };
  },
  table(model) {
    // Sequelize 7 names the dialect's default schema (`public`, the database) on every
    // table; Sequelize 6 leaves it out unless the model sets one, and so does the package.
    const { tableName, schema } = definitionOf(model).table;
    const dialect = (model.sequelize as unknown as { dialect?: { getDefaultSchema?(): string } })
      ?.dialect;
    const defaultSchema = dialect?.getDefaultSchema?.();
    return schema && schema !== defaultSchema ? { tableName, schema } : { tableName };
  },
  attributes(model) {
    const facts = new Map<string, AttributeFacts>();
    for (const [name, raw] of definitionOf(model).attributes) facts.set(name, attributeFacts(raw));
    return facts;
  },
  primaryKeyAttributes: (model) => [...definitionOf(model).primaryKeysAttributeNames],
  deletedAtAttribute(model) {
    const definition = definitionOf(model);
    return definition.isParanoid() ? definition.timestampAttributeNames.deletedAt : undefined;
  },
  uniqueKeys(model) {
    return definitionOf(model)
      .getIndexes()
      .filter((index) => index.unique && index.fields?.every((field) => typeof field === 'string'))
      .map((index) => index.fields as string[]);
  },
  unscoped: <M extends ModelStaticLike>(model: M) =>
    (model as unknown as V7Model).withoutScope() as M,
  driverError: (error) => (error as { cause?: DriverErrorLike }).cause,
};
