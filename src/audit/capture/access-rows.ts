import type { ModelStaticLike } from '../../sequelize/internal-types';
import { isModelClass, primaryKeyAttributesOf } from '../../sequelize/sequelize-facts';

/*
 * What a find disclosed, read off its result on the call path: per model of `reads: true`,
 * the primary-key values of its rows and the fields they carry. Instances are only read
 * (`dataValues`), never changed, and nothing of their values is kept but the keys.
 */

/** The rows of one access-audited model in one find result. */
export interface AccessedRows {
  readonly model: ModelStaticLike;
  /** Primary-key values of each row, in the order of the model's key attributes. */
  readonly keys: unknown[][];
  /** Rows whose key was not selected (counted, not named). */
  keyless: number;
  /** Fields the rows carry (the selected attributes), in the order first seen. */
  readonly fields: Set<string>;
}

/** Which models are access-audited, by model class. */
export type ReadsAudited = (model: ModelStaticLike) => boolean;

interface InstanceShape {
  dataValues: Record<string, unknown>;
  constructor: ModelStaticLike;
}

function isInstance(value: unknown): value is InstanceShape {
  if (value === null || typeof value !== 'object') return false;
  const shape = value as Partial<InstanceShape>;
  return (
    typeof shape.dataValues === 'object' &&
    shape.dataValues !== null &&
    isModelClass(shape.constructor)
  );
}

/** The top-level rows of a find result: an array, `{ rows, count }`, one row or null. */
function topRows(result: unknown): readonly unknown[] {
  if (Array.isArray(result)) return result;
  if (result === null || typeof result !== 'object') return [];
  const { rows } = result as { rows?: unknown };
  if (Array.isArray(rows) && 'count' in result) return rows;
  return [result];
}

/** Collects the accessed rows of every audited model in a find result (includes too). */
export function accessedRowsOf(
  result: unknown,
  rootModel: ModelStaticLike,
  readsAudited: ReadsAudited,
): AccessedRows[] {
  const byModel = new Map<ModelStaticLike, AccessedRows>();
  const seen = new Set<object>();
  const visit = (row: unknown, model: ModelStaticLike): void => {
    if (row === null || typeof row !== 'object' || seen.has(row)) return;
    seen.add(row);
    if (isInstance(row)) {
      visitInstance(row);
    } else if (readsAudited(model)) {
      // `raw: true`: a plain row of the root model; included columns come as `alias.field`.
      note(byModel, model, row as Record<string, unknown>, (field) => !field.includes('.'));
    }
  };
  const visitInstance = (instance: InstanceShape): void => {
    const model = instance.constructor;
    const values = instance.dataValues;
    const included: string[] = [];
    for (const field of Object.keys(values)) {
      const value = values[field];
      if (isInstance(value)) {
        included.push(field);
        visit(value, value.constructor);
      } else if (Array.isArray(value) && value.length > 0 && value.every(isInstance)) {
        included.push(field);
        for (const item of value) visit(item, item.constructor);
      }
    }
    if (readsAudited(model)) note(byModel, model, values, (field) => !included.includes(field));
  };
  for (const row of topRows(result)) visit(row, rootModel);
  return [...byModel.values()];
}

function note(
  byModel: Map<ModelStaticLike, AccessedRows>,
  model: ModelStaticLike,
  values: Record<string, unknown>,
  isField: (field: string) => boolean,
): void {
  let rows = byModel.get(model);
  if (!rows) {
    rows = { model, keys: [], keyless: 0, fields: new Set() };
    byModel.set(model, rows);
  }
  for (const field of Object.keys(values)) if (isField(field)) rows.fields.add(field);
  const keyAttributes = primaryKeyAttributesOf(model);
  const key = keyAttributes.map((attribute) => values[attribute]);
  if (keyAttributes.length === 0 || key.some((part) => part === undefined || part === null)) {
    rows.keyless += 1;
  } else {
    rows.keys.push(key);
  }
}
