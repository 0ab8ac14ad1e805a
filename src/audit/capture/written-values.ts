import type { AuditableModelLike } from '../../sequelize/internal-types';
import type { ModelCall } from '../../sequelize/model-call';
import type { QueryCall } from '../../sequelize/query-call';
import type { RawRow } from '../row-diff';
import { attributesOf } from '../../sequelize/sequelize-facts';
import type { AttributeFacts } from '../../sequelize/adapter';

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

/**
 * The `SET` list of a Sequelize UPDATE as attribute values; null when any part is not a bound
 * `col=$n` (positional binds, an array: Sequelize 6) or `col=$name` (named binds, an object:
 * Sequelize 7's `$sequelize_1`).
 */
export function assignedValues(
  sql: string,
  bind: unknown,
  model: AuditableModelLike,
): RawRow | null {
  if (bind === null || typeof bind !== 'object') return null;
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
    while (j < sql.length && isBindNameChar(sql.charCodeAt(j))) j += 1;
    const value = boundValue(bind, sql.slice(end + 3, j));
    const attribute = attributes.get(field);
    if (value === NOT_BOUND || !attribute || attribute.convertsBeforeBinding) return null;
    values[attribute.name] = value;
    if (sql[j] === ',') i = j + 1;
    else return sql[j] === undefined || sql[j] === ' ' ? values : null;
  }
}

const NOT_BOUND = Symbol('not bound');

function isBindNameChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 95
  );
}

/** The value bound to `$name`: a 1-based index into an array, or a key of an object. */
function boundValue(bind: object, name: string): unknown {
  if (name === '') return NOT_BOUND;
  if (Array.isArray(bind)) {
    const index = /^[0-9]+$/.test(name) ? Number(name) - 1 : -1;
    return index >= 0 && index < bind.length ? (bind as unknown[])[index] : NOT_BOUND;
  }
  return Object.hasOwn(bind, name) ? (bind as Record<string, unknown>)[name] : NOT_BOUND;
}

/** The attributes by column, with their names. */
function attributesByField(
  model: AuditableModelLike,
): Map<string, AttributeFacts & { name: string }> {
  const byField = new Map<string, AttributeFacts & { name: string }>();
  for (const [name, attribute] of attributesOf(model))
    byField.set(attribute.field, { ...attribute, name });
  return byField;
}
