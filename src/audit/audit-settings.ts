import type { DiagLogger } from '@opentelemetry/api';
import type { AuditConfig, ModelAuditOptions } from '../types';
import { personalRulesOf } from './personal-data';
import type { PersonalRules } from './personal-data';
import { DEFAULT_REDACTED_FIELDS, FieldRedactor } from './redaction';

/** The audit configuration with every default applied, resolved once per config object. */
export interface AuditSettings {
  readonly enabled: boolean;
  readonly maxValueBytes: number;
  readonly maxRecordBytes: number;
  readonly maxRowsPerStatement: number;
  readonly keepRolledBack: boolean;
  readonly rawQueries: boolean;
  readonly omitValuesFromSpans: boolean;
  /** Whether rows of this model are audited at all. */
  auditsModel(modelName: string): boolean;
  /** The field rules of one model. */
  fieldsOf(modelName: string): ModelFieldRules;
  /** The personal fields and subject resolver of one model; undefined when it has none. */
  personalOf(modelName: string): PersonalRules | undefined;
}

/** Which fields of one model are kept and which are redacted. */
export interface ModelFieldRules {
  readonly includeFields?: ReadonlySet<string>;
  readonly excludeFields: ReadonlySet<string>;
  readonly redactor: FieldRedactor;
}

const DEFAULTS = {
  maxValueBytes: 8192,
  maxRecordBytes: 65536,
  maxRowsPerStatement: 1000,
};

const cache = new WeakMap<AuditConfig, AuditSettings>();
const EMPTY_CONFIG: AuditConfig = Object.freeze({});

/** Resolves (and caches) the settings of an audit config; `undefined` means all defaults. */
export function resolveAuditSettings(
  config: AuditConfig | undefined,
  diag: DiagLogger,
): AuditSettings {
  const source = config ?? EMPTY_CONFIG;
  let settings = cache.get(source);
  if (!settings) {
    settings = buildSettings(source, diag);
    cache.set(source, settings);
  }
  return settings;
}

function buildSettings(config: AuditConfig, diag: DiagLogger): AuditSettings {
  const baseRedactor = new FieldRedactor(
    [...DEFAULT_REDACTED_FIELDS, ...(config.redact ?? [])],
    redactionModeOf(config, diag),
    config.redactionKey,
  );
  const includeModels = config.includeModels ? new Set(config.includeModels) : undefined;
  const excludeModels = new Set(config.excludeModels ?? []);
  const perModel = config.models ?? {};
  const rulesCache = new Map<string, ModelFieldRules>();
  return {
    enabled: config.enabled !== false,
    maxValueBytes: positiveOr(config.maxValueBytes, DEFAULTS.maxValueBytes),
    maxRecordBytes: positiveOr(config.maxRecordBytes, DEFAULTS.maxRecordBytes),
    maxRowsPerStatement: positiveOr(config.maxRowsPerStatement, DEFAULTS.maxRowsPerStatement),
    keepRolledBack: config.keepRolledBack === true,
    rawQueries: config.rawQueries !== false,
    omitValuesFromSpans: config.omitValuesFromSpans === true,
    auditsModel(modelName) {
      if (perModel[modelName]?.enabled === false) return false;
      if (excludeModels.has(modelName)) return false;
      return !includeModels || includeModels.has(modelName);
    },
    fieldsOf(modelName) {
      let rules = rulesCache.get(modelName);
      if (!rules) {
        rules = fieldRules(perModel[modelName], baseRedactor);
        rulesCache.set(modelName, rules);
      }
      return rules;
    },
    personalOf: (modelName) => personalRulesOf(perModel[modelName]),
  };
}

function fieldRules(options: ModelAuditOptions | undefined, base: FieldRedactor): ModelFieldRules {
  return {
    includeFields: options?.includeFields ? new Set(options.includeFields) : undefined,
    excludeFields: new Set(options?.excludeFields ?? []),
    redactor: base.extend(options?.redact ?? []),
  };
}

function redactionModeOf(config: AuditConfig, diag: DiagLogger): 'drop' | 'mask' | 'hash' {
  const mode = config.redactionMode ?? 'mask';
  if (mode === 'hash' && (config.redactionKey === undefined || config.redactionKey.length === 0)) {
    diag.error(
      'audit.redactionMode "hash" needs audit.redactionKey; masking redacted values instead',
    );
    return 'mask';
  }
  return mode;
}

function positiveOr(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && value > 0 ? value : fallback;
}
