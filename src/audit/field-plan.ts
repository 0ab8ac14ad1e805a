import type { AuditSettings, ModelFieldRules } from './audit-settings';
import type { ModelInfo } from './model-info';

/**
 * Which fields of a model a record keeps, and how each one is written, worked out once per
 * model and settings instead of on every write.
 */
export interface FieldPlan {
  /** The rules the plan was made from (a new config brings new rules, and a new plan). */
  readonly rules: ModelFieldRules;
  /** Kept fields, in the model's attribute order. */
  readonly fields: readonly string[];
  /** Per kept field: an exact numeric column, recorded as a string. */
  readonly exactNumeric: readonly boolean[];
  /** Per kept field: redacted. */
  readonly redacted: readonly boolean[];
  /**
   * Indexes of the kept fields in code-unit order of their names: the order of the keys of a
   * record's values, so they are canonical JSON as built (and the store's hash needs no sort).
   */
  readonly valueOrder: readonly number[];
}

const plans = new WeakMap<ModelInfo, FieldPlan>();

/** The field plan of a model under the current settings (cached). */
export function fieldPlanOf(info: ModelInfo, settings: AuditSettings): FieldPlan {
  const rules = settings.fieldsOf(info.name);
  const cached = plans.get(info);
  if (cached?.rules === rules) return cached;
  const plan = buildPlan(info, rules);
  plans.set(info, plan);
  return plan;
}

function buildPlan(info: ModelInfo, rules: ModelFieldRules): FieldPlan {
  const fields = info.columns.filter(
    (field) =>
      !rules.excludeFields.has(field) && (!rules.includeFields || rules.includeFields.has(field)),
  );
  return {
    rules,
    fields,
    exactNumeric: fields.map((field) => info.exactNumericColumns.has(field)),
    redacted: fields.map((field) => rules.redactor.isRedacted(field)),
    valueOrder: fields
      .map((_field, index) => index)
      .sort((a, b) => (fields[a] < fields[b] ? -1 : fields[a] > fields[b] ? 1 : 0)),
  };
}
