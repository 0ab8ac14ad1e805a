import type { AuditableModelLike } from '../../sequelize/internal-types';
import type { ModelCall } from '../../sequelize/model-call';
import type { QueryCall } from '../../sequelize/query-call';
import type { RawRow } from '../row-diff';

/*
 * The values `Model.update` wrote, as Sequelize finally wrote them (after validation, setters,
 * the user's hooks and the `updatedAt` stamp), so the rows after a bulk update can be derived
 * from the rows read before it instead of being read again. They are read from the UPDATE
 * statement itself as it passes the query seam: Sequelize binds every plain value
 * (`SET "status"=$1,"updatedAt"=$2`), so each `"column"=$n` names a column and its bound value.
 * Anything else in the SET list (a SQL expression, a type that converts its value before
 * binding, values inlined by `prependSearchPath`) makes the values unknown, and the rows are
 * read back instead. Nothing is added to the user's Sequelize, models or options.
 */

/** `undefined`: waiting for the statement; `null`: seen, but its values cannot be told. */
const awaiting = new WeakMap<ModelCall, RawRow | null | undefined>();

/** Starts listening for the values that this `Model.update` call writes. */
export function awaitWrittenValues(call: ModelCall): void {
  awaiting.set(call, undefined);
}

/** The values the call wrote, by attribute name; undefined when they cannot be told. */
export function takeWrittenValues(call: ModelCall): RawRow | undefined {
  const values = awaiting.get(call);
  awaiting.delete(call);
  return values ?? undefined;
}

/** Reads the written values off a statement, if a `Model.update` is waiting for them. */
export function noteWrittenValues(query: QueryCall): void {
  const call = query.modelCall;
  if (!call || query.options.type !== 'BULKUPDATE' || !awaiting.has(call)) return;
  // A second UPDATE in the same call (none in Sequelize 6 today) would make them ambiguous.
  const values =
    awaiting.get(call) === undefined
      ? assignedValues(query.sql, query.bind, call.model as AuditableModelLike)
      : null;
  awaiting.set(call, values);
}

const QUOTES: Readonly<Record<string, string>> = { '"': '"', '`': '`', '[': ']' };

/** The `SET` list of a Sequelize UPDATE as attribute values; null when any part is not `col=$n`. */
export function assignedValues(
  sql: string,
  bind: unknown,
  model: AuditableModelLike,
): RawRow | null {
  if (!Array.isArray(bind)) return null;
  const set = sql.indexOf(' SET ');
  if (set < 0) return null;
  const attributes = attributesByField(model);
  const values: RawRow = {};
  let i = set + 5;
  for (;;) {
    const close = QUOTES[sql[i]];
    if (!close) return null;
    const end = sql.indexOf(close, i + 1);
    if (end < 0 || sql[end + 1] !== '=' || sql[end + 2] !== '$') return null;
    const field = sql.slice(i + 1, end);
    let j = end + 3;
    while (j < sql.length && sql.charCodeAt(j) >= 48 && sql.charCodeAt(j) <= 57) j += 1;
    const index = Number(sql.slice(end + 3, j)) - 1;
    const attribute = attributes.get(field);
    if (j === end + 3 || index < 0 || index >= bind.length || !attribute) return null;
    if (convertsBeforeBinding(model.rawAttributes[attribute].type)) return null;
    values[attribute] = bind[index];
    if (sql[j] === ',') i = j + 1;
    else return sql[j] === undefined || sql[j] === ' ' ? values : null;
  }
}

function attributesByField(model: AuditableModelLike): Map<string, string> {
  const byField = new Map<string, string>();
  for (const [name, attribute] of Object.entries(model.rawAttributes)) {
    byField.set(attribute.field ?? name, name);
  }
  return byField;
}

/** Types that turn a value into something else before binding it (BLOB, FLOAT, GEOMETRY...). */
function convertsBeforeBinding(type: unknown): boolean {
  return typeof (type as { _bindParam?: unknown } | undefined)?._bindParam === 'function';
}
