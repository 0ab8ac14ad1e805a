import type { QueryInterfaceCall } from '../../sequelize/query-interface-call';

/*
 * The table and columns a query-interface call names, read from its arguments (the
 * documented signatures, the same in every Sequelize version this package supports).
 */

/** A table argument: a name, or `{ tableName, schema }`. */
function tableText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return undefined;
  const { tableName, schema } = value as { tableName?: unknown; schema?: unknown };
  if (typeof tableName !== 'string') return undefined;
  return typeof schema === 'string' && schema !== '' ? `${schema}.${tableName}` : tableName;
}

/** The table a call changes (`createSchema`/`dropSchema`: the schema's name). */
export function tableOfCall(call: QueryInterfaceCall): string | undefined {
  if (call.method === 'dropAllTables') return '*';
  return tableText(call.args[0]);
}

function texts(values: readonly unknown[]): string[] {
  return values.filter((value): value is string => typeof value === 'string');
}

/** Field names of an index or constraint: strings or `{ name | attribute }` objects. */
function fieldNames(fields: unknown): string[] {
  if (!Array.isArray(fields)) return [];
  return fields.flatMap((field: unknown) => {
    if (typeof field === 'string') return [field];
    if (field === null || typeof field !== 'object') return [];
    const { name, attribute } = field as { name?: unknown; attribute?: unknown };
    return texts([name ?? attribute]);
  });
}

/** The columns a call names: added, removed, changed, renamed (from, to), indexed, created. */
export function columnsOfCall(call: QueryInterfaceCall): string[] {
  const [, second, third] = call.args;
  switch (call.method) {
    case 'createTable':
      return second !== null && typeof second === 'object' ? Object.keys(second) : [];
    case 'addColumn':
    case 'removeColumn':
    case 'changeColumn':
      return texts([second]);
    case 'renameColumn':
      return texts([second, third]);
    case 'addIndex':
      return Array.isArray(second)
        ? fieldNames(second)
        : fieldNames((second as { fields?: unknown } | undefined)?.fields);
    case 'addConstraint':
      return fieldNames((second as { fields?: unknown } | undefined)?.fields);
    case 'renameTable':
      return [];
    default:
      return [];
  }
}
