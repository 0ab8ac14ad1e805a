import { AuditStoreDriverMissingError } from '../store/sql/sql-connection';
import { AuditStoreNotFoundError } from '../store/store-mode';
import { badInput, CliError, EXIT } from './cli-error';

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'ECONNRESET',
  'EAI_AGAIN',
  'ENOENT',
  'EACCES',
  'SQLITE_CANTOPEN',
  'ER_ACCESS_DENIED_ERROR',
  'ER_BAD_DB_ERROR',
  '28P01',
  '3D000',
]);
const MISSING_TABLE_TEXT =
  /no such table|does not exist|doesn't exist|missing column|run "otel-sequelize-audit migrate"/i;

interface ErrorLike {
  name?: string;
  message?: string;
  code?: string;
  parent?: ErrorLike;
  original?: ErrorLike;
  cause?: unknown;
}

/**
 * Turns a store failure into one line with an exit code: a store that cannot be reached or is
 * not set up (exit 3, with what to do), or anything else (exit 1).
 */
export function describeStoreFailure(error: unknown, storeLabel: string): CliError {
  if (error instanceof CliError) return error;
  // The history API reports bad arguments (a version that does not exist) as RangeError.
  if (error instanceof RangeError) return badInput(error.message);
  if (error instanceof AuditStoreNotFoundError) {
    return badInput(`audit store ${storeLabel}: ${error.message}`);
  }
  if (error instanceof AuditStoreDriverMissingError) {
    return new CliError(
      `cannot open the audit store ${storeLabel}: ${error.message}`,
      EXIT.storeUnavailable,
    );
  }
  const chain = causes(error);
  const message = innermostMessage(chain);
  if (chain.some(isUnreachable)) {
    return new CliError(
      `cannot reach the audit store ${storeLabel}: ${message}`,
      EXIT.storeUnavailable,
    );
  }
  if (chain.some(isMissingTable)) {
    return new CliError(
      `the audit store ${storeLabel} is not set up (${message}); run "otel-sequelize-audit migrate"`,
      EXIT.storeUnavailable,
    );
  }
  return new CliError(`${storeLabel}: ${message}`, EXIT.failure);
}

function causes(error: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && chain.length < 5) {
    const link = current as ErrorLike;
    chain.push(link);
    current = link.parent ?? link.original ?? link.cause;
  }
  return chain;
}

function innermostMessage(chain: ErrorLike[]): string {
  const messages = chain.map((e) => e.message?.trim()).filter((m): m is string => !!m);
  return (messages[messages.length - 1] ?? messages[0] ?? 'unknown error').split('\n')[0];
}

function isUnreachable(error: ErrorLike): boolean {
  return (
    (error.code !== undefined && UNREACHABLE_CODES.has(error.code)) ||
    /^Sequelize(Connection|HostNotFound|HostNotReachable|AccessDenied|ConnectionRefused|ConnectionTimedOut|InvalidConnection)/.test(
      error.name ?? '',
    )
  );
}

function isMissingTable(error: ErrorLike): boolean {
  return MISSING_TABLE_TEXT.test(error.message ?? '');
}

/** The store URL with any password replaced, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]+:)[^@]*@/i, '$1***@');
}
