import { toCanonical } from './canonical-value';

/** A row as Sequelize holds it: attribute name to raw value. */
export type RawRow = Record<string, unknown>;

/**
 * Whether two raw column values are the same stored value. Compares full values (never the
 * capped canonical forms), so two large blobs that differ only past the cap still differ.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) {
    return (a === null || a === undefined) && (b === null || b === undefined);
  }
  if (a instanceof Date && b instanceof Date) {
    return a.getTime() === b.getTime() || (Number.isNaN(a.getTime()) && Number.isNaN(b.getTime()));
  }
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  if (typeof a !== 'object' && typeof b !== 'object') return false;
  return (
    JSON.stringify(toCanonical(a, Number.POSITIVE_INFINITY)) ===
    JSON.stringify(toCanonical(b, Number.POSITIVE_INFINITY))
  );
}

/**
 * The fields a change touched: for an insert the fields it set, for a delete the fields the
 * row had, for an update those whose value differs.
 */
export function changedFields(
  before: RawRow | null,
  after: RawRow | null,
  fields: readonly string[],
): string[] {
  if (!before && after) return fields.filter((field) => !isNullish(after[field]));
  if (before && !after) return fields.filter((field) => !isNullish(before[field]));
  if (!before || !after) return [];
  return fields.filter(
    (field) => (field in before || field in after) && !sameValue(before[field], after[field]),
  );
}

function isNullish(value: unknown): boolean {
  return value === null || value === undefined;
}
