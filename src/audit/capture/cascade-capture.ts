import type { AuditableModelLike, TransactionLike } from '../../sequelize/internal-types';
import { modelInfo } from '../model-info';
import type { ModelInfo } from '../model-info';
import type { RowChange } from '../record-builder';
import type { AuditRecorder } from '../recorder';
import type { RawRow } from '../row-diff';
import { canLockRows, readRows } from './row-reader';
import { attributesOf, modelsOf, unscopedModel } from '../../sequelize/sequelize-facts';

/*
 * Rows the database changes by itself because of a statement: the ON DELETE and ON UPDATE
 * CASCADE / SET NULL rules of the foreign keys Sequelize knows (an association's `onDelete` /
 * `onUpdate`, or an attribute's `references` with them). The dependent rows are read before
 * the write (locked inside a transaction) and recorded after it: deleted, or with the key set
 * to NULL or to the new key; cascades of deletes follow, a few levels deep. Above
 * `maxRowsPerStatement` dependent rows, or when their read fails, one statement-level record
 * per dependent table says so. Database triggers are out of reach.
 */

type RuleKind = 'onDelete' | 'onUpdate';

interface DependentRule {
  readonly kind: RuleKind;
  readonly dependent: ModelInfo;
  /** The dependent's attribute holding the key. */
  readonly foreignKey: string;
  /** The parent's attribute it refers to. */
  readonly referencedKey: string;
  readonly action: 'CASCADE' | 'SET NULL';
}

const MAX_DEPTH = 4;
const rulesCache = new WeakMap<ModelInfo, Readonly<Record<RuleKind, DependentRule[]>>>();

/** What a delete will do to dependent rows, read before it; `record` once it succeeded. */
export interface PlannedCascade {
  record(recorder: AuditRecorder, transaction: TransactionLike | undefined): void;
}

const NOTHING: PlannedCascade = { record: () => undefined };

/** Reads the rows the database will delete or set to NULL when `rows` of `info` are deleted. */
export async function planDeleteCascade(
  info: ModelInfo,
  rows: readonly RawRow[],
  transaction: TransactionLike | undefined,
  maxRows: number,
  depth = 0,
): Promise<PlannedCascade> {
  const rules = depth < MAX_DEPTH ? rulesOf(info).onDelete : [];
  return planRules(rules, rows, transaction, maxRows, depth, () => null);
}

/**
 * Reads the rows the database will change by ON UPDATE rules when an update writes `values`
 * into `rows` of `info` (only rules whose referenced key the update writes).
 */
export async function planUpdateCascade(
  info: ModelInfo,
  rows: readonly RawRow[],
  values: Readonly<Record<string, unknown>>,
  transaction: TransactionLike | undefined,
  maxRows: number,
): Promise<PlannedCascade> {
  const rules = rulesOf(info).onUpdate.filter((rule) => rule.referencedKey in values);
  return planRules(rules, rows, transaction, maxRows, 0, (rule) => values[rule.referencedKey]);
}

async function planRules(
  rules: readonly DependentRule[],
  rows: readonly RawRow[],
  transaction: TransactionLike | undefined,
  maxRows: number,
  depth: number,
  newKey: (rule: DependentRule) => unknown,
): Promise<PlannedCascade> {
  if (rules.length === 0 || rows.length === 0) return NOTHING;
  const parts: PlannedCascade[] = [];
  for (const rule of rules) {
    parts.push(await planRule(rule, rows, transaction, maxRows, depth, newKey(rule)));
  }
  return { record: (recorder, tx) => parts.forEach((part) => part.record(recorder, tx)) };
}

async function planRule(
  rule: DependentRule,
  rows: readonly RawRow[],
  transaction: TransactionLike | undefined,
  maxRows: number,
  depth: number,
  newKey: unknown,
): Promise<PlannedCascade> {
  const keys = [...new Set(rows.map((row) => row[rule.referencedKey]).filter((k) => k != null))];
  if (keys.length === 0) return NOTHING;
  const where = { [rule.foreignKey]: keys };
  const { dependent } = rule;
  let found: RawRow[];
  try {
    found = await readRows(dependent, where, {
      transaction,
      paranoid: false,
      limit: maxRows + 1,
      lock: canLockRows(dependent, transaction),
    });
  } catch (error) {
    return statementPart(rule, 'cascade_read_failed', undefined, error);
  }
  const deletes = rule.kind === 'onDelete' && rule.action === 'CASCADE';
  const unknownNewKey = rule.action === 'CASCADE' && !deletes && !isPlainKey(newKey);
  if (found.length > maxRows || dependent.primaryKeys.length === 0 || unknownNewKey) {
    const count = await countQuietly(dependent.model, where, transaction);
    return statementPart(rule, 'cascade', count);
  }
  const keyAfter = rule.action === 'SET NULL' ? null : newKey;
  const changes: RowChange[] = found.map((row) => ({
    info: dependent,
    before: row,
    after: deletes ? null : { ...row, [rule.foreignKey]: keyAfter },
  }));
  const deeper = deletes
    ? await planDeleteCascade(dependent, found, transaction, maxRows, depth + 1)
    : NOTHING;
  return {
    record(recorder, tx) {
      recorder.recordRows(changes, tx);
      deeper.record(recorder, tx);
    },
  };
}

function statementPart(
  rule: DependentRule,
  reason: 'cascade' | 'cascade_read_failed',
  affectedRows: number | undefined,
  error?: unknown,
): PlannedCascade {
  const { dependent } = rule;
  return {
    record(recorder, tx) {
      recorder.recordFallback(
        {
          operation: rule.kind === 'onDelete' && rule.action === 'CASCADE' ? 'delete' : 'update',
          table: dependent.table,
          dbSystem: dependent.dbSystem,
          namespace: dependent.namespace,
          model: dependent.name,
          statement: `${rule.kind === 'onDelete' ? 'ON DELETE' : 'ON UPDATE'} ${rule.action} of ${rule.foreignKey}`,
          affectedRows,
        },
        reason,
        tx,
        error,
      );
    },
  };
}

async function countQuietly(
  model: AuditableModelLike,
  where: Record<string, unknown>,
  transaction: TransactionLike | undefined,
): Promise<number | undefined> {
  try {
    const counted = unscopedModel(model) as unknown as {
      count(options: Record<string, unknown>): Promise<number>;
    };
    return await counted.count({
      where,
      transaction: transaction ?? null,
      paranoid: false,
      logging: false,
    });
  } catch {
    return undefined;
  }
}

function isPlainKey(value: unknown): boolean {
  return ['string', 'number', 'bigint'].includes(typeof value);
}

/** The CASCADE / SET NULL rules that point at `info`'s table (cached per model). */
function rulesOf(info: ModelInfo): Readonly<Record<RuleKind, DependentRule[]>> {
  let rules = rulesCache.get(info);
  if (!rules) {
    rules = { onDelete: findRules(info, 'onDelete'), onUpdate: findRules(info, 'onUpdate') };
    rulesCache.set(info, rules);
  }
  return rules;
}

function findRules(info: ModelInfo, kind: RuleKind): DependentRule[] {
  const rules: DependentRule[] = [];
  const models = modelsOf(info.model.sequelize) as AuditableModelLike[];
  for (const model of models) {
    for (const [name, attribute] of attributesOf(model)) {
      const action = String(attribute[kind] ?? '').toUpperCase();
      if (action !== 'CASCADE' && action !== 'SET NULL') continue;
      const references = attribute.references;
      if (!references || references.table !== info.table) continue;
      const referencedKey = attributeOfField(info, String(references.key ?? info.primaryKeys[0]));
      if (!referencedKey) continue;
      rules.push({ kind, dependent: modelInfo(model), foreignKey: name, referencedKey, action });
    }
  }
  return rules;
}

function attributeOfField(info: ModelInfo, field: string): string | undefined {
  const attributes = attributesOf(info.model);
  if (attributes.has(field)) return field;
  for (const [name, attribute] of attributes) if (attribute.field === field) return name;
  return undefined;
}
