import { diag, metrics } from '@opentelemetry/api';
import type { Counter, MeterProvider } from '@opentelemetry/api';
import { METRIC_AUDIT_SUBJECT_UNRESOLVED } from '../semconv';
import type { AuditEvent, ModelAuditOptions } from '../types';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../version';
import { KEY_COLUMN_CHARS, boundedText } from './bounded-text';
import type { RawRow } from './row-diff';

/*
 * Personal data of a model (`audit.models.X = { personal, subject }`): the record names its
 * data subject and its personal fields, so the processor can encrypt those values per subject
 * (crypto-shredding) and the span view can leave them out. When the subject cannot be
 * resolved, the personal values are masked right here: a value that could never be erased is
 * never kept.
 */

/** Written in place of a personal value whose subject is unknown. */
export const UNRESOLVED_PERSONAL_VALUE = '[REDACTED]';

/** The personal-data rules of one model, resolved once per options object. */
export interface PersonalRules {
  readonly fields: ReadonlySet<string>;
  readonly subject?: ModelAuditOptions['subject'];
}

const rulesCache = new WeakMap<ModelAuditOptions, PersonalRules | null>();

/** The personal rules of a model's options; undefined when it declares no personal field. */
export function personalRulesOf(options: ModelAuditOptions | undefined): PersonalRules | undefined {
  if (!options) return undefined;
  let rules = rulesCache.get(options);
  if (rules === undefined) {
    rules = options.personal?.length
      ? { fields: new Set(options.personal), subject: options.subject }
      : null;
    rulesCache.set(options, rules);
  }
  return rules ?? undefined;
}

/**
 * Marks the personal fields of a row event and names its subject. Never throws: a resolver
 * that fails leaves the record without a subject and its personal values masked (counted).
 */
export function markPersonalData(
  event: AuditEvent,
  row: RawRow | null,
  rules: PersonalRules | undefined,
): void {
  if (!rules) return;
  const present = new Set<string>();
  for (const values of [event.before, event.after]) {
    if (!values) continue;
    for (const field of Object.keys(values)) if (rules.fields.has(field)) present.add(field);
  }
  if (present.size === 0) return;
  event.personalFields = [...present].sort();
  const subject = resolveSubject(rules, row, event);
  if (subject !== undefined) {
    event.subjectId = subject;
    return;
  }
  for (const values of [event.before, event.after]) {
    if (!values) continue;
    for (const field of present) if (field in values) values[field] = UNRESOLVED_PERSONAL_VALUE;
  }
}

function resolveSubject(
  rules: PersonalRules,
  row: RawRow | null,
  event: AuditEvent,
): string | undefined {
  let reason = 'no subject resolver is configured (audit.models.X.subject)';
  if (rules.subject && row) {
    try {
      const id = rules.subject(row);
      if (id !== null && id !== undefined && String(id) !== '') {
        return boundedText(String(id), KEY_COLUMN_CHARS);
      }
      reason = 'the subject resolver returned no id';
    } catch (error) {
      reason = `the subject resolver threw (${error instanceof Error ? error.name : 'error'})`;
    }
  }
  unresolved(event, reason);
  return undefined;
}

const counters = new WeakMap<MeterProvider, Counter>();
const told = new Set<string>();

function unresolved(event: AuditEvent, reason: string): void {
  const provider = metrics.getMeterProvider();
  let counter = counters.get(provider);
  if (!counter) {
    counter = provider
      .getMeter(PACKAGE_NAME, PACKAGE_VERSION)
      .createCounter(METRIC_AUDIT_SUBJECT_UNRESOLVED, {
        description:
          'Audit records whose data subject could not be resolved (personal values masked)',
        unit: '{record}',
      });
    counters.set(provider, counter);
  }
  counter.add(1, { 'db.collection.name': event.table });
  const key = [event.dbSystem, event.namespace ?? '', event.table, reason].join('\u0000');
  if (told.has(key) || told.size > 1000) return;
  told.add(key);
  diag.warn(
    `otel-sequelize-audit: the data subject of a "${event.table}" record is unknown: ${reason}; its personal fields are recorded as "${UNRESOLVED_PERSONAL_VALUE}". Told once per table (of one database) and reason; counted in ${METRIC_AUDIT_SUBJECT_UNRESOLVED}.`,
  );
}
