import { SpanStatusCode } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import { ATTR_DB_RESPONSE_STATUS_CODE, ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import type { DriverErrorLike } from '../sequelize/internal-types';
import { sanitizeSql } from '../sequelize/sql/sanitize-sql';
import { driverErrorOf } from '../sequelize/sequelize-facts';

/** What a failure adds to a span and to the duration metric. */
export interface FailureAttributes {
  errorType: string;
  statusCode?: string;
}

const MAX_MESSAGE_LENGTH = 1024;

/**
 * The database's own code for a failed statement: the SQLSTATE on PostgreSQL, the server
 * error number on MySQL and MariaDB, the result code name (`SQLITE_CONSTRAINT`) on SQLite.
 */
export function databaseStatusCode(error: unknown, dbSystem: string): string | undefined {
  const driverError: DriverErrorLike | undefined = driverErrorOf(error);
  if (!driverError) return undefined;
  if (dbSystem === 'mysql' || dbSystem === 'mariadb') {
    return driverError.errno !== undefined ? String(driverError.errno) : undefined;
  }
  return driverError.code !== undefined ? String(driverError.code) : undefined;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

/**
 * An error message with every quoted value and number replaced by `?`: driver messages
 * quote row values (`Duplicate entry 'a@b.c' for key 'email'`), exported spans must not.
 */
export function sanitizedMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // The mariadb driver appends the statement and its parameters after "\nsql: ".
  const statementStart = message.indexOf('\nsql: ');
  const ownMessage = statementStart >= 0 ? message.slice(0, statementStart) : message;
  return sanitizeSql(ownMessage, { mysqlQuoting: true, maxLength: MAX_MESSAGE_LENGTH });
}

/** The stack frames of an error, without its message (which may hold values). */
function stackFrames(error: unknown): string | undefined {
  const stack = error instanceof Error ? error.stack : undefined;
  const firstFrame = stack?.indexOf('\n    at ') ?? -1;
  return firstFrame >= 0 ? stack?.slice(firstFrame + 1) : undefined;
}

/**
 * Marks a span failed: status ERROR, `error.type` (the database status code when there is
 * one, else the error class), `db.response.status_code`, and an exception event that
 * carries no row values.
 */
export function recordFailure(span: Span, error: unknown, dbSystem?: string): FailureAttributes {
  const statusCode = dbSystem ? databaseStatusCode(error, dbSystem) : undefined;
  const failure: FailureAttributes = { errorType: statusCode ?? errorName(error), statusCode };
  const message = sanitizedMessage(error);
  span.recordException({ name: errorName(error), message, stack: stackFrames(error) });
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  span.setAttribute(ATTR_ERROR_TYPE, failure.errorType);
  if (statusCode !== undefined) span.setAttribute(ATTR_DB_RESPONSE_STATUS_CODE, statusCode);
  return failure;
}
