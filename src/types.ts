import type { Span } from '@opentelemetry/api';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/** The kinds of row change an audit record describes. */
export type AuditOperation = 'insert' | 'update' | 'delete' | 'soft_delete' | 'restore';

/** `row`: one record per changed row; `statement`: one record for a whole statement. */
export type AuditGranularity = 'row' | 'statement';

/** Who acted: a user, a service account, a job. */
export interface AuditActor {
  id: string;
  /** Free text such as `user`, `service`, `job`. */
  type?: string;
}

/**
 * The audit context of a unit of work, set with `withAuditContext` or `auditMiddleware`.
 *
 * @example
 * await withAuditContext({ actor: { id: 'u-42', type: 'user' }, reason: 'support ticket 991' }, () =>
 *   Order.update({ status: 'refunded' }, { where: { id: 7 } }));
 */
export interface AuditContext {
  actor?: AuditActor;
  /** Tenant of a multi-tenant application. */
  tenant?: string;
  /** Why the change is made, e.g. a ticket number. */
  reason?: string;
  /** Request id; the active trace id when not given. */
  requestId?: string;
}

/**
 * One row change (or one statement) as captured by the instrumentation, before the
 * processor places it in a hash chain.
 */
export interface AuditEvent {
  /** Unique id, the idempotency key in every store. */
  eventId: string;
  /** ISO 8601, when the row changed. */
  occurredAt: string;
  operation: AuditOperation;
  granularity: AuditGranularity;
  dbSystem: string;
  namespace?: string;
  table: string;
  model?: string;
  /** Primary key as text, or canonical JSON for composite keys; null when unknown. */
  recordId: string | null;
  changedFields: string[];
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  actor?: AuditActor;
  tenantId?: string;
  reason?: string;
  requestId?: string;
  traceId?: string;
  spanId?: string;
  transactionId?: string;
  /** `committed`, or `rolled_back` when rolled-back records are kept on request. */
  outcome?: 'committed' | 'rolled_back';
  /** Statement-level records: the sanitized statement or where clause. */
  statement?: string;
  /** Statement-level records: rows the statement affected. */
  affectedRows?: number;
}

/** An audit event as persisted: with its place in its writer's hash chain. */
export interface AuditRecord extends AuditEvent {
  stream: string;
  seq: number;
  prevHash: string | null;
  hash: string;
  /** Id of the chain key whose HMAC-SHA-256 made `hash`; absent: plain SHA-256. */
  keyId?: string;
}

/** What `verify()` reports. */
export interface VerifyResult {
  ok: boolean;
  streams: number;
  records: number;
  firstBreak?: { stream: string; seq: number; reason: string };
  /** True when every record checked is HMAC-linked and its hash was checked with its chain key. */
  keyed?: boolean;
  /** Checkpoints seen, those with a signed note, and those whose signature and root were verified. */
  checkpoints?: { total: number; signed: number; verified: number };
  /** The witnesses compared with the store, and how many of their checkpoints were checked. */
  witness?: Array<{ url: string; checkpoints: number }>;
  /** What this verification could not vouch for (e.g. an unkeyed chain), one line each. */
  warnings?: string[];
}

/** Information passed to `requestHook`: the statement about to run. No Sequelize internals. */
export interface QueryRequestInfo {
  /** The SQL text as sent to the driver (not sanitized). */
  sql: string;
  /** Bind parameters or replacements, when any. */
  parameters?: readonly unknown[] | Readonly<Record<string, unknown>>;
  /** The SQL verb, e.g. `SELECT`. */
  operation: string;
  /** Table the statement works on, when Sequelize knows it. */
  table?: string;
  /** Model name, when the statement comes from a model call. */
  model?: string;
  dbSystem: string;
  namespace?: string;
}

/** Information passed to `responseHook`: the outcome of the statement. */
export interface QueryResponseInfo extends QueryRequestInfo {
  /** Rows returned (SELECT) when known. */
  rowCount?: number;
  /** Rows affected (INSERT/UPDATE/DELETE) when known. */
  affectedRows?: number;
  /** The error the statement failed with, if it failed. */
  error?: Error;
}

/** A field matcher: an exact (case-insensitive) name or a regular expression. */
export type FieldMatcher = string | RegExp;

/** How a redacted value is written: removed, replaced by `[REDACTED]`, or an HMAC-SHA-256. */
export type RedactionMode = 'drop' | 'mask' | 'hash';

/** Audit options for one model, keyed by model name in `audit.models`. */
export interface ModelAuditOptions {
  /** Audit this model at all. @default true */
  enabled?: boolean;
  /** Only these fields are kept in before/after. @default all fields */
  includeFields?: string[];
  /** These fields are left out of before/after and changed fields. @default [] */
  excludeFields?: string[];
  /** Extra fields to redact for this model. @default [] */
  redact?: FieldMatcher[];
}

/** Audit configuration. */
export interface AuditConfig {
  /** Capture row changes as audit records. @default true */
  enabled?: boolean;
  /**
   * Fields to redact, in addition to the built-in secret names (password, token, secret,
   * apiKey, ...), matched case-insensitively by name or by regular expression.
   * @default []
   * @example redact: ['ssn', /card/i]
   */
  redact?: FieldMatcher[];
  /** How redacted values are written. @default 'mask' */
  redactionMode?: RedactionMode;
  /** Key for `redactionMode: 'hash'` (HMAC-SHA-256). Required with that mode. */
  redactionKey?: string | Buffer;
  /** Largest serialized value kept per field, in bytes; longer ones are truncated with a marker. @default 8192 */
  maxValueBytes?: number;
  /** Largest serialized before+after per record, in bytes. @default 65536 */
  maxRecordBytes?: number;
  /** Above this many rows in one statement, one statement-level record is written instead of per-row ones. @default 1000 */
  maxRowsPerStatement?: number;
  /** Keep records of rolled-back transactions, marked `rolled_back`. @default false */
  keepRolledBack?: boolean;
  /** Models to audit, by name; all when not set. @default all models */
  includeModels?: string[];
  /** Models never audited, by name. @default [] */
  excludeModels?: string[];
  /** Per-model options keyed by model name. @default {} */
  models?: Record<string, ModelAuditOptions>;
  /** Record raw `sequelize.query` writes as statement-level records. @default true */
  rawQueries?: boolean;
  /** Keep before/after values out of exported audit spans (the audit store still gets them). @default false */
  omitValuesFromSpans?: boolean;
}

/**
 * Configuration of `SequelizeAuditInstrumentation`.
 *
 * @example
 * new SequelizeAuditInstrumentation({ audit: { redact: ['password', /token/i] }, sanitizeQueries: true })
 */
export interface SequelizeAuditInstrumentationConfig extends InstrumentationConfig {
  /** Replace every literal in `db.query.text` with `?`. @default true */
  sanitizeQueries?: boolean;
  /** Longest `db.query.text` kept, in characters; longer text is cut. @default 2048 */
  maxQueryTextLength?: number;
  /** Record bind parameters as `db.query.parameter.<key>` (redacted like audit values). @default false */
  captureParameters?: boolean;
  /** Record `db.response.returned_rows`. @default false */
  captureReturnedRows?: boolean;
  /** Only make query spans when a parent span is active. @default false */
  requireParentSpan?: boolean;
  /** An INTERNAL span per model call (`User.update`). @default true */
  ormSpans?: boolean;
  /** An INTERNAL span per transaction. @default true */
  transactionSpans?: boolean;
  /** Suppress driver-level spans (pg, mysql2, ...) under our query spans. @default true */
  suppressDriverSpans?: boolean;
  /** Called when a query span starts. Errors are logged and ignored. */
  requestHook?: (span: Span, info: QueryRequestInfo) => void;
  /** Called when a query span ends. Errors are logged and ignored. */
  responseHook?: (span: Span, info: QueryResponseInfo) => void;
  /** Row-level audit. @default { enabled: true } */
  audit?: AuditConfig;
}
