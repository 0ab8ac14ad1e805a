import type { Counter, DiagLogger, Meter, Span } from '@opentelemetry/api';
import { safeExecuteInTheMiddle } from '@opentelemetry/instrumentation';
import { ATTR_AUDIT_MODEL, ATTR_AUDIT_SKIP_REASON, METRIC_AUDIT_RECORDS_SKIPPED } from '../semconv';
import type {
  AuditConfig,
  AuditContext,
  AuditEvent,
  AuditMetadata,
  AuditOperation,
  AuditRecordInfo,
} from '../types';
import type { AuditSettings } from './audit-settings';
import { addMetadataAttributes, boundMetadata, mergeMetadata } from './metadata';
import type { RecordMetadata } from './metadata';
import type { FieldRedactor } from './redaction';

/*
 * What the user decides about each record: the noise rules (`ignoreChangesTo`,
 * `onlyOperations`), the context's metadata, `shouldRecord` (when the row changes, so a
 * dropped record is never held in a transaction buffer) and `recordHook` (when the record is
 * emitted, with its audit span). A user function that throws never costs a record.
 */

/** What the policies need from the instrumentation, read on every use (config can change). */
export interface RecordPoliciesDeps {
  config(): AuditConfig | undefined;
  diag: DiagLogger;
  meter(): Meter;
}

/** Why a record was left out, the `audit.skip.reason` of the skipped-records counter. */
export type SkipReason = 'should_record' | 'ignored_changes' | 'operation';

interface NoiseRules {
  ignoredFields(model: string | undefined): ReadonlySet<string>;
  allowedOperations(model: string | undefined): ReadonlySet<AuditOperation> | undefined;
}

const EMPTY_METADATA: AuditMetadata = Object.freeze({});
const EMPTY_CONFIG: AuditConfig = Object.freeze({});
const noiseRulesCache = new WeakMap<AuditConfig, NoiseRules>();
const counters = new WeakMap<Meter, Counter>();

/** The user's decisions about records, applied by the recorder and the emitter. */
export class RecordPolicies {
  /** Bounded metadata per (frozen) context metadata object and redactor. */
  private readonly boundCache = new WeakMap<
    object,
    { redactor: FieldRedactor; value?: RecordMetadata }
  >();
  private readonly infos = new WeakMap<AuditEvent, AuditRecordInfo>();

  constructor(private readonly deps: RecordPoliciesDeps) {}

  /**
   * Decides whether a captured record is kept, and gives it the context's metadata. Called
   * when the row changes.
   */
  admit(
    event: AuditEvent,
    auditContext: Readonly<AuditContext> | undefined,
    settings: AuditSettings,
  ): boolean {
    const config = this.deps.config() ?? EMPTY_CONFIG;
    const skip = noiseOf(event, noiseRulesOf(config));
    if (skip) return this.skipped(event, skip);
    const metadata = this.boundContextMetadata(auditContext?.metadata, settings, event.model);
    if (metadata) event.metadata = metadata;
    const { shouldRecord } = config;
    if (!shouldRecord) return true;
    let keep = true;
    safeExecuteInTheMiddle(
      () => shouldRecord(this.infoOf(event)),
      (error, result) => {
        if (error) {
          this.deps.diag.error(
            `audit.shouldRecord threw for a ${event.operation} of ${event.table}; the record is kept`,
            error,
          );
        } else keep = result !== false;
      },
      true,
    );
    return keep || this.skipped(event, 'should_record');
  }

  /**
   * Runs `recordHook` with the audit span, just before the record is emitted. Metadata it
   * returns is merged into the record unless the record was persisted already (inside the
   * application's transaction), where it would no longer match the stored row.
   */
  beforeEmit(span: Span, event: AuditEvent, settings: AuditSettings, persisted: boolean): void {
    const { recordHook } = this.deps.config() ?? EMPTY_CONFIG;
    if (!recordHook) return;
    safeExecuteInTheMiddle(
      () => recordHook(span, this.infoOf(event)),
      (error, extra) => {
        if (error) {
          this.deps.diag.error(
            `audit.recordHook threw for a ${event.operation} of ${event.table}; the record is kept unchanged`,
            error,
          );
          return;
        }
        if (!isPlainObject(extra)) return;
        if (persisted) {
          this.deps.diag.warn(
            'audit.recordHook returned metadata for a record already persisted inside its transaction; not merged',
          );
          return;
        }
        this.mergeHookMetadata(span, event, extra, settings);
      },
      true,
    );
  }

  private mergeHookMetadata(
    span: Span,
    event: AuditEvent,
    extra: AuditMetadata,
    settings: AuditSettings,
  ): void {
    const redactor = settings.fieldsOf(event.model ?? '').redactor;
    const merged = mergeMetadata(event.metadata, extra, redactor);
    if (merged === undefined) return;
    event.metadata = merged;
    const attributes = {};
    addMetadataAttributes(attributes, merged);
    span.setAttributes(attributes);
  }

  private boundContextMetadata(
    raw: AuditMetadata | undefined,
    settings: AuditSettings,
    model: string | undefined,
  ): RecordMetadata | undefined {
    if (!raw) return undefined;
    const redactor = settings.fieldsOf(model ?? '').redactor;
    const cached = this.boundCache.get(raw);
    if (cached?.redactor === redactor) return cached.value;
    const value = boundMetadata(raw, redactor);
    if (Object.isFrozen(raw)) this.boundCache.set(raw, { redactor, value });
    return value;
  }

  private skipped(event: AuditEvent, reason: SkipReason): false {
    try {
      counterOf(this.deps.meter()).add(1, {
        [ATTR_AUDIT_MODEL]: event.model ?? event.table,
        [ATTR_AUDIT_SKIP_REASON]: reason,
      });
    } catch (error) {
      this.deps.diag.debug('the skipped-records counter failed', error);
    }
    return false;
  }

  /** A frozen copy of what a user function may see of an event (made once per event). */
  private infoOf(event: AuditEvent): AuditRecordInfo {
    let info = this.infos.get(event);
    if (!info || info.metadata !== (event.metadata ?? EMPTY_METADATA)) {
      info = recordInfoOf(event);
      this.infos.set(event, info);
    }
    return info;
  }
}

/** The frozen `AuditRecordInfo` of an event. */
export function recordInfoOf(event: AuditEvent): AuditRecordInfo {
  const info: AuditRecordInfo = {
    operation: event.operation,
    granularity: event.granularity,
    model: event.model,
    table: event.table,
    dbSystem: event.dbSystem,
    namespace: event.namespace,
    recordId: event.recordId,
    changedFields: Object.freeze([...event.changedFields]),
    before: event.before && Object.freeze({ ...event.before }),
    after: event.after && Object.freeze({ ...event.after }),
    actor: event.actor && Object.freeze({ ...event.actor }),
    tenantId: event.tenantId,
    reason: event.reason,
    requestId: event.requestId,
    transactionId: event.transactionId,
    metadata: event.metadata ? Object.freeze(event.metadata) : EMPTY_METADATA,
  };
  return Object.freeze(info);
}

/** Metadata a hook returns is a plain object (not the span `span.setAttribute` returns). */
function isPlainObject(value: unknown): value is AuditMetadata {
  if (value === null || typeof value !== 'object') return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function noiseOf(event: AuditEvent, rules: NoiseRules): SkipReason | undefined {
  const allowed = rules.allowedOperations(event.model);
  if (allowed && !allowed.has(event.operation)) return 'operation';
  if (event.operation !== 'update' || event.changedFields.length === 0) return undefined;
  const ignored = rules.ignoredFields(event.model);
  if (ignored.size === 0) return undefined;
  return event.changedFields.every((field) => ignored.has(field)) ? 'ignored_changes' : undefined;
}

function noiseRulesOf(config: AuditConfig): NoiseRules {
  let rules = noiseRulesCache.get(config);
  if (!rules) {
    rules = buildNoiseRules(config);
    noiseRulesCache.set(config, rules);
  }
  return rules;
}

function buildNoiseRules(config: AuditConfig): NoiseRules {
  const global = new Set(config.ignoreChangesTo ?? []);
  const perModel = config.models ?? {};
  const ignored = new Map<string, ReadonlySet<string>>();
  const operations = new Map<string, ReadonlySet<AuditOperation> | undefined>();
  return {
    ignoredFields(model) {
      if (model === undefined || !perModel[model]?.ignoreChangesTo) return global;
      let fields = ignored.get(model);
      if (!fields) {
        fields = new Set([...global, ...(perModel[model].ignoreChangesTo ?? [])]);
        ignored.set(model, fields);
      }
      return fields;
    },
    allowedOperations(model) {
      if (model === undefined) return undefined;
      if (!operations.has(model)) {
        const only = perModel[model]?.onlyOperations;
        operations.set(model, only ? new Set(only) : undefined);
      }
      return operations.get(model);
    },
  };
}

function counterOf(meter: Meter): Counter {
  let counter = counters.get(meter);
  if (!counter) {
    counter = meter.createCounter(METRIC_AUDIT_RECORDS_SKIPPED, {
      description:
        'Audit records left out by audit.shouldRecord, ignoreChangesTo or onlyOperations',
      unit: '{record}',
    });
    counters.set(meter, counter);
  }
  return counter;
}
