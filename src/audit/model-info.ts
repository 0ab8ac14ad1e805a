import { dbSystemOf, namespaceOf } from '../sequelize/db-system';
import type { AuditableModelLike, ModelStaticLike } from '../sequelize/internal-types';
import {
  attributesOf,
  deletedAtAttributeOf,
  primaryKeyAttributesOf,
  tableOf,
} from '../sequelize/sequelize-facts';

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
  const attributes = [...attributesOf(model)];
  return {
    model,
    name: model.name,
    table: tableOf(model).tableName,
    dbSystem: dbSystemOf(model.sequelize),
    namespace: namespaceOf(model.sequelize),
    primaryKeys: [...primaryKeyAttributesOf(model)],
    deletedAt: deletedAtAttributeOf(model),
    columns: attributes
      .filter(([, attribute]) => attribute.typeKey !== 'VIRTUAL')
      .map(([name]) => name),
    exactNumericColumns: new Set(
      attributes
        .filter(([, attribute]) => EXACT_NUMERIC_TYPES.has(attribute.typeKey ?? ''))
        .map(([name]) => name),
    ),
  };
}

const EXACT_NUMERIC_TYPES = new Set(['DECIMAL', 'NUMERIC', 'BIGINT']);
