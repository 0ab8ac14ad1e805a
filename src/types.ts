import type { Span } from '@opentelemetry/api';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/**
 * What happened to the row. `unknown`: a statement-level record of a raw write whose kind the
 * text does not tell (a `CALL`, an `EXEC`, several different statements in one string).
 * `access`: rows of a model with `reads: true` were read (a find, or an include). `schema`: a
 * table's structure changed (`sync`, queryInterface DDL, a migration, raw DDL).
 */
export type AuditOperation =
  | 'insert'
  | 'update'
  | 'delete'
  | 'soft_delete'
  | 'restore'
  | 'unknown'
  /** Rows of a model with `reads: true` were read. */
  | 'access'
  /** A table's structure changed. */
  | 'schema'
  /** A data subject's personal values were erased (`trail.erase`); carries no personal data. */
  | 'erasure';

/** `row`: one record per changed row; `statement`: one record for a whole statement. */
export type AuditGranularity = 'row' | 'statement';

/** Who acted: a user, a service account, a job. */
export interface AuditActor {
  id: string;
  /** Free text such as `user`, `service`, `job`. */
  type?: string;
}

/** A metadata value: text, a number or a boolean. */
export type AuditMetadataValue = string | number | boolean;

/**
 * Data of your own attached to every record of a unit of work (paper_trail's `meta`,
 * django-auditlog's `additional_data`): a flat map of strings, numbers and booleans. It
 * travels as `audit.metadata.<key>` span attributes and one JSON `metadata` column, is part of
 * the hashed record, and can be filtered on with `trail.changes({ metadata })`.
 *
 * Bounds (never an exception into the application): at most 32 keys (the rest are dropped
 * and counted in a `_truncated` key); keys are cut to 64 characters and characters other than
 * letters, digits, `_`, `-`, `.` and `:` become `_`; text values are cut to 1024 bytes with a
 * `[truncated: N bytes]` marker. A key named like a secret (`password`, `token`, the
 * `audit.redact` list) is redacted like a row field.
 *
 * @example
 * { ip: '10.0.0.7', ticket: 'OPS-12', attempt: 2, dryRun: false }
 */
export type AuditMetadata = Readonly<Record<string, AuditMetadataValue>>;

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
  /**
   * Data of your own for every record of this unit of work. Nested contexts merge key by
   * key (the inner value wins).
   * @default {}
   * @example metadata: { ip: req.ip, userAgent: req.get('user-agent') ?? '', ticket: 'OPS-12' }
   */
  metadata?: AuditMetadata;
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
  /** The audit context's metadata (and what `recordHook` added), bounded and redacted. */
  metadata?: Record<string, AuditMetadataValue>;
  /**
   * Why this record is statement-level where a row-level one was expected (`audit.capture.fallback`):
   * `pre_read_failed`, `after_read_failed`, `row_cap`, `no_primary_key`, `row_count_mismatch`,
   * `cascade`, `cascade_read_failed`, `unrecognized_write`.
   */
  captureFallback?: string;
  /**
   * The data subject this record is about (`audit.models.X.subject`), as text. Present when
   * the model declares personal fields.
   */
  subjectId?: string;
  /**
   * The fields of `before` / `after` that hold personal data of `subjectId` (sorted). With
   * `encryption` on the processor their values are stored encrypted (see the README,
   * "Compliance"); `"[ERASED]"` after `trail.erase`, `"[ENCRYPTED]"` when read without the key.
   */
  personalFields?: string[];
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

/**
 * What `audit.recordHook` and `audit.shouldRecord` see of one audit record: a read-only copy
 * (frozen), values after redaction. No Sequelize internals.
 *
 * @example
 * shouldRecord: (info: AuditRecordInfo) =>
 *   !(info.operation === 'update' && info.changedFields.every((f) => f === 'lastLoginAt'))
 */
export interface AuditRecordInfo {
  readonly operation: AuditOperation;
  readonly granularity: AuditGranularity;
  /** Model name, when the record comes from a model. */
  readonly model?: string;
  readonly table: string;
  readonly dbSystem: string;
  readonly namespace?: string;
  /** Primary key as text (canonical JSON for composite keys); null when unknown. */
  readonly recordId: string | null;
  readonly changedFields: readonly string[];
  readonly before: Readonly<Record<string, unknown>> | null;
  readonly after: Readonly<Record<string, unknown>> | null;
  readonly actor?: Readonly<AuditActor>;
  readonly tenantId?: string;
  readonly reason?: string;
  readonly requestId?: string;
  readonly transactionId?: string;
  /** The record's metadata so far (bounded and redacted). */
  readonly metadata: AuditMetadata;
}

/**
 * Called for each audit record just before it is emitted, with the audit span. It may add
 * attributes to the span and return metadata (a plain object) to merge into the record
 * (bounded and redacted like the context's); any other return value, such as the span that
 * `span.setAttribute` returns, merges nothing. Errors are logged through the instrumentation's logger and the record
 * is kept unchanged.
 *
 * @example
 * recordHook: (span, info) => {
 *   span.setAttribute('app.region', 'eu');
 *   return info.model === 'Invoice' ? { ledger: 'main' } : undefined;
 * }
 */
export type AuditRecordHook = (span: Span, info: AuditRecordInfo) => AuditMetadata | Span | void;

/**
 * Decides whether a record is kept: return `false` to drop it. Dropped records are counted
 * by the `audit.records.skipped` counter (attribute `audit.model`). Errors are logged and the
 * record is kept.
 *
 * @example
 * shouldRecord: (info) => !(info.model === 'Session' && info.actor?.type === 'system')
 */
export type AuditShouldRecord = (info: AuditRecordInfo) => boolean;

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
  /**
   * An update of this model whose changed fields are all in this list makes no record (in
   * addition to the global `audit.ignoreChangesTo`).
   * @default []
   * @example ignoreChangesTo: ['lastSeenAt']
   */
  ignoreChangesTo?: string[];
  /**
   * Only these operations of this model make records.
   * @default all operations
   * @example onlyOperations: ['delete', 'soft_delete']
   */
  onlyOperations?: AuditOperation[];
  /**
   * Fields that hold personal data of the row's data subject. They never appear in clear on
   * exported spans, and with `encryption` on the `AuditSpanProcessor` they are stored
   * encrypted with a key per subject, so `trail.erase(subjectId)` can erase them for good
   * while the chain still verifies. Needs `subject`.
   * @default []
   * @example personal: ['email', 'name']
   */
  personal?: string[];
  /**
   * The data subject of a row: its id, from the row's values (before a delete, after
   * otherwise). A resolver that throws or returns nothing makes the record's subject
   * `"unresolved"` (counted in `audit.personal.subject_unresolved`); its personal values are
   * still never exported on spans.
   * @default undefined (required when `personal` is set)
   * @example subject: (row) => row.id            // the User model
   * @example subject: (row) => row.userId        // an Address of a user
   */
  subject?: (row: Readonly<Record<string, unknown>>) => string | number | null | undefined;
  /**
   * Access audit: every row of this model that `findAll`, `findOne`, `findByPk`,
   * `findAndCountAll` (or an eager-loaded `include` of this model) returns gets an `access`
   * record: who read it, the fields selected (`changedFields`), the trace. Never its values.
   * Above 100 rows of the model in one call (or `maxRowsPerStatement`, when lower), one
   * statement-level `access` record with the row count and the sanitized where clause
   * stands for them (`captureFallback: 'row_cap'`). Records are built after the call
   * returned, off the call path, and are kept even when the transaction rolls back (the
   * rows were read all the same).
   * @default false
   * @example models: { Patient: { reads: true } }
   */
  reads?: boolean;
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
  /**
   * Called for each record before it is emitted; may add span attributes and return
   * metadata to merge. See `AuditRecordHook`.
   * @default undefined
   * @example recordHook: (span, info) => span.setAttribute('app.region', 'eu')
   */
  recordHook?: AuditRecordHook;
  /**
   * Return `false` to drop a record. See `AuditShouldRecord`.
   * @default undefined (every record is kept)
   * @example shouldRecord: (info) => info.model !== 'Session'
   */
  shouldRecord?: AuditShouldRecord;
  /**
   * An update whose changed fields are all in this list makes no record; the fields still
   * appear in before/after of the records that are made. Per model too (`models.X.ignoreChangesTo`).
   * @default []
   * @example ignoreChangesTo: ['updatedAt']
   */
  ignoreChangesTo?: string[];
  /**
   * How long records of each table are kept, applied by `otel-sequelize-audit prune` (and
   * `pruneByRetention`): a number and a unit, `d` days, `w` weeks, `m` months (30 days) or
   * `y` years (365 days). Tables not listed are kept until a `prune --before`. Records under a
   * legal hold are never pruned. The instrumentation does not prune by itself.
   * @default {}
   * @example retention: { sessions: '90d', orders: '7y' }
   */
  retention?: Record<string, string>;
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
  /**
   * INTERNAL spans for model calls (`User.findOrCreate`). `true`: only for calls that can issue
   * several statements (`findOrCreate`, `findAndCountAll`, `separate` includes, writes with
   * `include` or `individualHooks`, audited bulk writes, `sync`); a single-statement call
   * (`findByPk`, `create`, `save`) makes its statement span only, which carries
   * `sequelize.model.name` and `sequelize.method`. `'all'`: a span for every outermost model
   * call. `false`: none.
   * @default true
   * @example
   * new SequelizeAuditInstrumentation({ ormSpans: 'all' })
   */
  ormSpans?: boolean | 'all';
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
