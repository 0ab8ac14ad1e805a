import { context, SpanKind, trace } from '@opentelemetry/api';
import type { Attributes, Context, Span } from '@opentelemetry/api';
import { isTracingSuppressed, suppressTracing } from '@opentelemetry/core';
import { safeExecuteInTheMiddle } from '@opentelemetry/instrumentation';
import { ATTR_DB_RESPONSE_STATUS_CODE, ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import type { ModelStaticLike } from '../sequelize/internal-types';
import { isAuditStoreQuery, transactionOfQuery } from '../sequelize/query-call';
import type { QueryCall, QueryInterceptor } from '../sequelize/query-call';
import { ATTR_DB_RESPONSE_RETURNED_ROWS } from '../semconv';
import type {
  QueryRequestInfo,
  QueryResponseInfo,
  SequelizeAuditInstrumentationConfig,
} from '../types';
import { connectionInfo } from './connection-attributes';
import type { ConnectionInfo } from './connection-attributes';
import { metricAttributes } from './metrics';
import { parameterAttributes } from './query-parameters';
import { observeDownstream } from '../sequelize/interceptor-chain';
import { unspannedModelCall } from './orm-span';
import { shapeAttributes, statementAttributes } from './statement-attributes';
import type { ShapeAttributes } from './statement-attributes';
import { recordFailure } from './record-error';
import { SanitizedTextCache } from './sanitized-text-cache';
import { queryResultCounts } from './query-result';
import type { QueryResultCounts } from './query-result';
import { sanitizeSql } from '../sequelize/sql/sanitize-sql';
import type { SanitizeOptions } from '../sequelize/sql/sanitize-sql';
import { statementShape } from '../sequelize/sql/statement-shape';
import type { StatementShape } from '../sequelize/sql/statement-shape';
import type { TransactionTracing } from './transaction-span';
import type { TracingDeps } from './tracing-wiring';

/** Sequelize's own housekeeping statements, never traced. */
const UNTRACED_QUERY_TYPES = new Set(['VERSION']);

const DEFAULT_MAX_QUERY_TEXT_LENGTH = 2048;

const sanitizedTexts = new SanitizedTextCache();

const NO_COUNTS: QueryResultCounts = Object.freeze({});

/** One traced statement, from start to end. */
interface QuerySpan {
  readonly span: Span;
  /** The parent context with this span active (and tracing suppressed, see `downstreamContext`). */
  readonly context: Context;
  readonly attributes: Attributes;
  readonly shapeAttributes: ShapeAttributes;
  /**
   * `performance.now()` when the span started, for a span that does not time itself (an SDK
   * span does: its `duration`, read at the end, spares two clock reads per statement).
   */
  readonly startTime?: number;
  readonly connection: ConnectionInfo;
  /** Built only when a hook needs it. */
  readonly requestInfo?: QueryRequestInfo;
}

/** How the texts of one connection are sanitized, at one length cap: one object per pair. */
const sanitizeOptionsByConnection = new WeakMap<ConnectionInfo, SanitizeOptions>();

function sanitizeOptionsOf(connection: ConnectionInfo, maxLength: number): SanitizeOptions {
  let options = sanitizeOptionsByConnection.get(connection);
  if (options?.maxLength !== maxLength) {
    const { dialect } = connection;
    const mysqlQuoting = dialect === 'mysql' || dialect === 'mariadb';
    options = { mysqlQuoting, bracketIdentifiers: dialect === 'mssql', maxLength };
    sanitizeOptionsByConnection.set(connection, options);
  }
  return options;
}

function queryText(
  call: QueryCall,
  config: SequelizeAuditInstrumentationConfig,
  connection: ConnectionInfo,
): string {
  const maxLength = config.maxQueryTextLength ?? DEFAULT_MAX_QUERY_TEXT_LENGTH;
  if (config.sanitizeQueries === false) return call.sql.slice(0, maxLength);
  const options = sanitizeOptionsOf(connection, maxLength);
  // Only a text whose values travel apart (bind, replacements) repeats from call to call; a
  // text with its literals inlined (every finder's WHERE) would only miss the cache and churn it.
  const repeats = call.bind !== undefined || call.replacements !== undefined;
  return repeats ? sanitizedTexts.get(call.sql, options) : sanitizeSql(call.sql, options);
}

function modelNameOf(call: QueryCall): string | undefined {
  const model =
    call.options.model ?? (call.options.instance?.constructor as ModelStaticLike | undefined);
  return model?.name ?? call.modelCall?.model.name;
}

function spanAttributes(
  call: QueryCall,
  shared: ShapeAttributes,
  deps: TracingDeps,
  config: SequelizeAuditInstrumentationConfig,
): Attributes {
  const { connection, shape } = shared;
  const text = queryText(call, config, connection);
  const attributes = statementAttributes(
    shape,
    connection,
    unspannedModelCall(call.modelCall),
    text,
  );
  if (config.captureParameters) {
    const parameters = call.bind ?? call.replacements;
    Object.assign(
      attributes,
      parameterAttributes(parameters, call.sql, deps.parameterRedaction(modelNameOf(call))),
    );
  }
  return attributes;
}

function requestInfoOf(
  call: QueryCall,
  shape: StatementShape,
  connection: ConnectionInfo,
): QueryRequestInfo {
  const parameters = (call.bind ?? call.replacements) as QueryRequestInfo['parameters'];
  return {
    sql: call.sql,
    parameters: parameters ?? undefined,
    operation: shape.operation,
    table: shape.collection,
    model: modelNameOf(call),
    dbSystem: connection.dbSystem,
    namespace: connection.namespace,
  };
}

/** What an SDK span (`ReadableSpan`) says of its interval once ended: `[seconds, nanoseconds]`. */
interface TimedSpan {
  readonly duration?: unknown;
}

/** The interval the span measured, else the one timed since `startTime`; in seconds. */
function durationSeconds(traced: QuerySpan): number | undefined {
  const { duration } = traced.span as TimedSpan;
  if (Array.isArray(duration) && typeof duration[0] === 'number' && duration[0] >= 0) {
    return duration[0] + (duration[1] as number) / 1e9;
  }
  return traced.startTime === undefined ? undefined : (performance.now() - traced.startTime) / 1000;
}

/**
 * The context the rest of the chain runs in. With audit off the chain is this interceptor and
 * then the driver-span suppression (see the instrumentation's tracing-only chains): entering
 * the suppressed context here saves the suppression a context of its own (it sees tracing
 * already suppressed and passes through). With audit on, the audit interceptors in between
 * start spans, so the suppression stays innermost.
 */
function downstreamContext(
  spanContext: Context,
  config: SequelizeAuditInstrumentationConfig,
): Context {
  const suppressHere = config.audit?.enabled === false && config.suppressDriverSpans !== false;
  return suppressHere ? suppressTracing(spanContext) : spanContext;
}

/**
 * A CLIENT span per SQL statement, following the database conventions, and the
 * `db.client.operation.duration` measurement of the same interval.
 */
export function createQuerySpanInterceptor(
  deps: TracingDeps,
  transactions: TransactionTracing,
): QueryInterceptor {
  const runHook = (hook: () => void) =>
    safeExecuteInTheMiddle(
      hook,
      (error) => {
        if (error) deps.diag.error('a query hook threw; ignored', error);
      },
      true,
    );

  const start = (call: QueryCall): QuerySpan | undefined => {
    const config = deps.config();
    const active = context.active();
    const untraced =
      UNTRACED_QUERY_TYPES.has(call.options.type ?? '') || isAuditStoreQuery(call.options);
    if (untraced || isTracingSuppressed(active)) return undefined;
    const parent = transactions.parentContext(active, transactionOfQuery(call));
    if (config.requireParentSpan && !trace.getSpan(parent)) return undefined;
    const connection = connectionInfo(call.sequelize);
    const shape = statementShape(call);
    const shared = shapeAttributes(shape, connection);
    const attributes = spanAttributes(call, shared, deps, config);
    const kind = SpanKind.CLIENT;
    const span = deps.tracer().startSpan(shape.summary, { kind, attributes }, parent);
    const startTime = 'duration' in span ? undefined : performance.now();
    const hooked = config.requestHook !== undefined || config.responseHook !== undefined;
    const requestInfo = hooked ? requestInfoOf(call, shape, connection) : undefined;
    const { requestHook } = config;
    if (requestHook && requestInfo) runHook(() => requestHook(span, requestInfo));
    return {
      span,
      context: downstreamContext(trace.setSpan(parent, span), config),
      attributes,
      shapeAttributes: shared,
      startTime,
      connection,
      requestInfo,
    };
  };

  /** Adds what the outcome tells (failure, row counts, hook) before the span ends. */
  const describeOutcome = (call: QueryCall, traced: QuerySpan, result: unknown, error: unknown) => {
    const config = deps.config();
    const { span, attributes } = traced;
    const wantsCounts = config.captureReturnedRows || config.responseHook;
    const counts = wantsCounts ? queryResultCounts(call, result) : NO_COUNTS;
    if (config.captureReturnedRows && counts.rowCount !== undefined) {
      span.setAttribute(ATTR_DB_RESPONSE_RETURNED_ROWS, counts.rowCount);
    }
    if (error !== undefined) {
      const failure = recordFailure(span, error, traced.connection.dbSystem);
      attributes[ATTR_ERROR_TYPE] = failure.errorType;
      if (failure.statusCode !== undefined) {
        attributes[ATTR_DB_RESPONSE_STATUS_CODE] = failure.statusCode;
      }
    }
    const { responseHook } = config;
    if (responseHook && traced.requestInfo) {
      const info: QueryResponseInfo = { ...traced.requestInfo, ...counts };
      if (error !== undefined)
        info.error = error instanceof Error ? error : new Error(String(error));
      runHook(() => responseHook(span, info));
    }
  };

  const end = (call: QueryCall, traced: QuerySpan, result: unknown, error: unknown): void => {
    try {
      describeOutcome(call, traced, result, error);
    } finally {
      traced.span.end();
      const seconds = durationSeconds(traced);
      const failed = error !== undefined;
      const attributes = failed
        ? metricAttributes(traced.attributes)
        : traced.shapeAttributes.metric;
      if (seconds !== undefined) deps.durationHistogram().record(seconds, attributes);
    }
  };
  const onError = (error: unknown) => deps.diag.error('ending a query span failed', error);

  return (call, next) => {
    const traced = start(call);
    if (!traced) return next();
    return observeDownstream(
      context.with(traced.context, next),
      (result, error) => end(call, traced, result, error),
      onError,
    );
  };
}
