/*
 * Local copies of incubating semantic-convention names (importing the `/incubating` entry at
 * run time is discouraged) and the audit.* attribute names of this package.
 * Stable names come from the root entry of `@opentelemetry/semantic-conventions`.
 */

export const ATTR_DB_QUERY_SUMMARY = 'db.query.summary';
export const ATTR_DB_RESPONSE_RETURNED_ROWS = 'db.response.returned_rows';
export const ATTR_DB_QUERY_PARAMETER_PREFIX = 'db.query.parameter.';
export const METRIC_DB_CLIENT_OPERATION_DURATION = 'db.client.operation.duration';

export const ATTR_AUDIT_OPERATION = 'audit.operation';
export const ATTR_AUDIT_MODEL = 'audit.model';
export const ATTR_AUDIT_RECORD_ID = 'audit.record.id';
export const ATTR_AUDIT_CHANGED_FIELDS = 'audit.changed_fields';
export const ATTR_AUDIT_BEFORE = 'audit.before';
export const ATTR_AUDIT_AFTER = 'audit.after';
export const ATTR_AUDIT_ACTOR_ID = 'audit.actor.id';
export const ATTR_AUDIT_ACTOR_TYPE = 'audit.actor.type';
export const ATTR_AUDIT_TENANT_ID = 'audit.tenant.id';
export const ATTR_AUDIT_REASON = 'audit.reason';
export const ATTR_AUDIT_REQUEST_ID = 'audit.request.id';
export const ATTR_AUDIT_TRANSACTION_ID = 'audit.transaction.id';
export const ATTR_AUDIT_OUTCOME = 'audit.outcome';
export const ATTR_AUDIT_GRANULARITY = 'audit.granularity';
export const ATTR_AUDIT_STATEMENT_WHERE = 'audit.statement.where';
export const ATTR_AUDIT_STATEMENT_AFFECTED_ROWS = 'audit.statement.affected_rows';
export const ATTR_AUDIT_EVENT_ID = 'audit.event.id';
export const ATTR_AUDIT_OCCURRED_AT = 'audit.occurred_at';
/** Prefix of the audit context's metadata attributes: `audit.metadata.<key>`. */
export const ATTR_AUDIT_METADATA_PREFIX = 'audit.metadata.';
/** Counter of the records `audit.shouldRecord` and the noise options left out. */
export const METRIC_AUDIT_RECORDS_SKIPPED = 'audit.records.skipped';
/** Why a record was skipped: `should_record`, `ignored_changes`, `operation`. */
export const ATTR_AUDIT_SKIP_REASON = 'audit.skip.reason';
export const ATTR_AUDIT_CAPTURE_FALLBACK = 'audit.capture.fallback';
/** Counter of row-level captures that became statement-level records, by `reason`. */
export const METRIC_AUDIT_CAPTURE_FALLBACKS = 'audit.capture.fallbacks';

/** What a redacted value holds in `audit.before`/`audit.after` and in masked query parameters. */
export const REDACTED_MARKER = '[REDACTED]';

/** The data subject of a record with personal fields (`audit.models.X.subject`). */
export const ATTR_AUDIT_SUBJECT_ID = 'audit.subject.id';
/** Names of the personal fields of a record; their values are never exported on spans. */
export const ATTR_AUDIT_PERSONAL_FIELDS = 'audit.personal_fields';
/** Records whose subject resolver threw or returned nothing (personal values masked). */
export const METRIC_AUDIT_SUBJECT_UNRESOLVED = 'audit.personal.subject_unresolved';
