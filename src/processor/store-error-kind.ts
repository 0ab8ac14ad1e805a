/*
 * Is a failed store write worth retrying as it is (transient: the store is down, slow, busy or
 * restarting) or will these records fail again whatever we do (permanent: a value the store
 * rejects)? Only a permanent failure leads to bisecting the batch and quarantining the records
 * that fail alone; anything unknown counts as transient, so nothing is quarantined by mistake.
 */

/** How a store error is handled. */
export type StoreErrorKind = 'permanent' | 'transient';

/** The driver error Sequelize keeps on `parent` (or `original`), else the error itself. */
interface ErrorFacts {
  name: string;
  message: string;
  code: string;
  sqlState: string;
  errno: number;
}

/** PostgreSQL SQLSTATE classes (and MySQL/MariaDB sqlState): data exception, integrity constraint. */
const PERMANENT_SQLSTATE_CLASSES = ['22', '23'];
/** Single PostgreSQL SQLSTATEs that reject the values, not the connection. */
const PERMANENT_SQLSTATES = new Set([
  '54000', // program_limit_exceeded: index row or value too big
  '54001', // statement_too_complex
]);
/** MySQL / MariaDB error codes that reject the values (the statement, not the server). */
const PERMANENT_MYSQL_CODES = new Set([
  'ER_DATA_TOO_LONG',
  'ER_TRUNCATED_WRONG_VALUE',
  'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD',
  'ER_WARN_DATA_OUT_OF_RANGE',
  'ER_NET_PACKET_TOO_LARGE',
  'ER_BAD_NULL_ERROR',
  'ER_INVALID_JSON_TEXT',
  'ER_INVALID_JSON_TEXT_IN_PARAM',
  'ER_CONSTRAINT_FAILED',
  'ER_CHECK_CONSTRAINT_VIOLATED',
  'ER_ROW_IS_REFERENCED_2',
  'ER_NO_REFERENCED_ROW_2',
  'ER_TOO_BIG_ROWSIZE',
  'ER_CANT_CREATE_GEOMETRY_OBJECT',
  'ER_ILLEGAL_VALUE_FOR_TYPE',
  'ER_WRONG_VALUE_FOR_TYPE',
]);
/** SQLite result codes that reject the values. */
const PERMANENT_SQLITE_CODES = new Set([
  'SQLITE_CONSTRAINT',
  'SQLITE_TOOBIG',
  'SQLITE_MISMATCH',
  'SQLITE_RANGE',
]);
/** JavaScript errors a value causes while it is encoded (a JSONL line, a literal); other JS errors are bugs, not data. */
const PERMANENT_JS_ERROR = /serialize a BigInt|circular structure|Invalid string length/i;

/** Classifies a store error for the SQL dialects (SQLite, PostgreSQL, MariaDB/MySQL) and file stores. */
export function storeErrorKind(error: unknown): StoreErrorKind {
  if (isStreamClash(error)) return 'transient';
  for (const facts of errorChain(error)) {
    if (/timeout|ECONN|EPIPE|ETIMEDOUT|closed|terminat|shutdown|deadlock/i.test(facts.code)) {
      return 'transient';
    }
    if (facts.sqlState.length === 5) {
      if (PERMANENT_SQLSTATES.has(facts.sqlState)) return 'permanent';
      // 23505 on event_id cannot happen (the insert skips duplicates); on (stream, seq) it is a clash.
      if (PERMANENT_SQLSTATE_CLASSES.includes(facts.sqlState.slice(0, 2))) return 'permanent';
    }
    if (PERMANENT_MYSQL_CODES.has(facts.code) || PERMANENT_SQLITE_CODES.has(facts.code)) {
      return 'permanent';
    }
    if (facts.code === '' && PERMANENT_JS_ERROR.test(facts.message)) return 'permanent';
  }
  return 'transient';
}

/** A unique violation on (stream, seq): another writer uses this stream (the index `<table>_stream_seq`). */
export function isStreamClash(error: unknown): boolean {
  const messages = errorChain(error).map((facts) => facts.message);
  return /stream_seq|\.stream, \S+\.seq/.test(messages.join(' '));
}

/** A short description of the error for the quarantine journal and the logs. */
export function describeStoreError(error: unknown): { message: string; code?: string } {
  const chain = errorChain(error);
  const deepest = chain[chain.length - 1];
  const code = chain.map((facts) => facts.sqlState || facts.code).find(Boolean);
  return { message: deepest?.message || String(error), ...(code ? { code } : {}) };
}

function errorChain(error: unknown): ErrorFacts[] {
  const chain: ErrorFacts[] = [];
  let current: unknown = error;
  for (let depth = 0; current && typeof current === 'object' && depth < 4; depth += 1) {
    chain.push(factsOf(current as Record<string, unknown>));
    const next = current as { parent?: unknown; original?: unknown; cause?: unknown };
    const inner = next.parent ?? next.original ?? next.cause;
    if (inner === current) break;
    current = inner;
  }
  if (chain.length === 0) {
    chain.push({ name: '', message: String(error), code: '', sqlState: '', errno: 0 });
  }
  return chain;
}

function factsOf(error: Record<string, unknown>): ErrorFacts {
  const code = typeof error.code === 'string' ? error.code : '';
  const sqlState =
    typeof error.sqlState === 'string' ? error.sqlState : /^[0-9A-Z]{5}$/.test(code) ? code : '';
  return {
    name: typeof error.name === 'string' ? error.name : '',
    message: typeof error.message === 'string' ? error.message : '',
    code,
    sqlState,
    errno: typeof error.errno === 'number' ? error.errno : 0,
  };
}
