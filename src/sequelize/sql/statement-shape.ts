import type { ModelStaticLike } from '../internal-types';
import type { QueryCall } from '../query-call';
import { tableOf } from '../sequelize-facts';

/** What a statement is about: its verb and the table(s) it works on. */
export interface StatementShape {
  /** `db.operation.name`: the SQL verb, e.g. `SELECT`, `START TRANSACTION`. */
  readonly operation: string;
  /** `db.collection.name`, when the statement works on one table. */
  readonly collection?: string;
  /** `db.query.summary`, also the span name: `SELECT users`, `SELECT users orders`. */
  readonly summary: string;
  /**
   * True when this very object describes every statement of its model and verb (it is
   * cached), so what is derived from it can be cached by it too.
   */
  readonly shared: boolean;
}

/** Sequelize query types whose SQL verb is certain; the others are read from the text. */
const VERB_BY_QUERY_TYPE: Record<string, string> = {
  SELECT: 'SELECT',
  INSERT: 'INSERT',
  UPDATE: 'UPDATE',
  BULKUPDATE: 'UPDATE',
  DELETE: 'DELETE',
};

/** Verbs whose statement names its one table right after a few optional words. */
const SINGLE_TABLE_VERBS = new Set(['INSERT', 'UPDATE', 'DELETE', 'REPLACE', 'TRUNCATE']);
/** Verbs of table DDL: the table follows only when the next word is TABLE. */
const TABLE_DDL_VERBS = new Set(['CREATE', 'DROP', 'ALTER']);
/** Words between the verb and the table. */
const TARGET_PREFIX_WORDS = new Set([
  'INTO',
  'FROM',
  'IGNORE',
  'ONLY',
  'LOW_PRIORITY',
  'TABLE',
  'IF',
  'NOT',
  'EXISTS',
]);

function isLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

function isIdentifierChar(code: number): boolean {
  return isLetter(code) || (code >= 48 && code <= 57) || code === 36 /* $ */ || code > 127;
}

function skipSpaceAndComments(sql: string, start: number): number {
  let i = start;
  while (i < sql.length) {
    const code = sql.charCodeAt(i);
    if (code === 32 || code === 9 || code === 10 || code === 13 || code === 40 /* ( */) {
      i += 1;
    } else if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else {
      return i;
    }
  }
  return i;
}

/** The keyword at `start` (upper case) and where it ends. */
function readKeyword(sql: string, start: number): { word: string; end: number } {
  const from = skipSpaceAndComments(sql, start);
  let end = from;
  while (end < sql.length && isLetter(sql.charCodeAt(end))) end += 1;
  return { word: sql.slice(from, end).toUpperCase(), end };
}

/** The SQL verb at the start of a statement: `SELECT`, `START TRANSACTION`, ... */
export function leadingVerb(sql: string): string {
  const first = readKeyword(sql, 0);
  if (first.word === 'START') {
    const second = readKeyword(sql, first.end);
    if (second.word === 'TRANSACTION') return 'START TRANSACTION';
  }
  return first.word;
}

const IDENTIFIER_QUOTES: Record<string, string> = { '`': '`', '"': '"', '[': ']' };

/** The (possibly schema-qualified) table named at `start`, quotes removed. */
function readTableName(sql: string, start: number): string | undefined {
  let i = skipSpaceAndComments(sql, start);
  const parts: string[] = [];
  for (;;) {
    const close = IDENTIFIER_QUOTES[sql[i]];
    let end: number;
    if (close) {
      end = sql.indexOf(close, i + 1);
      if (end < 0) return undefined;
      parts.push(sql.slice(i + 1, end));
      end += 1;
    } else {
      end = i;
      while (end < sql.length && isIdentifierChar(sql.charCodeAt(end))) end += 1;
      if (end === i) return undefined;
      parts.push(sql.slice(i, end));
    }
    if (sql[end] !== '.') return parts.join('.');
    i = end + 1;
  }
}

/**
 * The table of a single-table statement (INSERT, UPDATE, DELETE, TRUNCATE, CREATE/DROP/ALTER
 * TABLE), read from the few words after the verb; undefined for any other statement.
 */
export function singleTableTarget(sql: string, verb: string): string | undefined {
  let position = readKeyword(sql, 0).end;
  if (TABLE_DDL_VERBS.has(verb)) {
    const next = readKeyword(sql, position);
    if (next.word !== 'TABLE') return undefined;
    position = next.end;
  } else if (!SINGLE_TABLE_VERBS.has(verb)) {
    return undefined;
  }
  for (;;) {
    const next = readKeyword(sql, position);
    if (!TARGET_PREFIX_WORDS.has(next.word)) break;
    position = next.end;
  }
  return readTableName(sql, position);
}

const tableNames = new WeakMap<ModelStaticLike, string>();

/** A model's table as it appears in SQL: `schema.table` when the model has a schema. */
export function tableNameOf(model: ModelStaticLike): string {
  let name = tableNames.get(model);
  if (name === undefined) {
    const table = tableOf(model);
    name = table.schema ? `${table.schema}.${table.tableName}` : table.tableName;
    tableNames.set(model, name);
  }
  return name;
}

function operationOf(call: QueryCall): string {
  const type = call.options.type;
  const known = type === undefined ? undefined : VERB_BY_QUERY_TYPE[type];
  return known ?? (leadingVerb(call.sql) || 'UNKNOWN');
}

const modelShapes = new WeakMap<ModelStaticLike, Map<string, StatementShape>>();

/** The shape of a statement of `model` (one table, known to Sequelize): one object per verb. */
function modelShape(model: ModelStaticLike, operation: string): StatementShape {
  let byOperation = modelShapes.get(model);
  if (!byOperation) {
    byOperation = new Map();
    modelShapes.set(model, byOperation);
  }
  let shape = byOperation.get(operation);
  if (!shape) {
    const collection = tableNameOf(model);
    shape = Object.freeze({
      operation,
      collection,
      summary: `${operation} ${collection}`,
      shared: true,
    });
    byOperation.set(operation, shape);
  }
  return shape;
}

function shapeOfTables(operation: string, tables: readonly string[]): StatementShape {
  return {
    operation,
    collection: tables.length === 1 ? tables[0] : undefined,
    summary: tables.length > 0 ? `${operation} ${tables.join(' ')}` : operation,
    shared: false,
  };
}

interface IncludeLike {
  model?: ModelStaticLike;
  include?: IncludeLike[];
}

/**
 * `options.tableNames` as Sequelize 6 gives them. Sequelize 7 (7.0.0-alpha.48) keys them by
 * its table objects, which turns every name into `[object Object]`: unusable.
 */
function usableTableNames(names: readonly string[] | undefined): readonly string[] | undefined {
  return names?.some((name) => name === '[object Object]') ? undefined : names;
}

/**
 * The tables of a SELECT with includes, for Sequelize 7, whose `tableNames` are unusable: the
 * model's, then each included model's, depth first, each once.
 */
function includedTables(options: QueryCall['options']): string[] | undefined {
  const include = options.include as IncludeLike[] | undefined;
  if (!options.model || !Array.isArray(include) || include.length === 0) return undefined;
  const tables = new Set<string>([tableOf(options.model).tableName]);
  const visit = (items: readonly IncludeLike[]) => {
    for (const item of items) {
      if (item.model) tables.add(tableOf(item.model).tableName);
      if (Array.isArray(item.include)) visit(item.include);
    }
  };
  visit(include);
  return [...tables];
}

/**
 * Operation, collection and summary of a statement, from what Sequelize knows before
 * reading the text: its tables, else its model, else the one table the text names, else the
 * model of the call that sent it (sync, count, ...).
 */
export function statementShape(call: QueryCall): StatementShape {
  const operation = operationOf(call);
  const { options } = call;
  const tables = usableTableNames(options.tableNames) ?? includedTables(options);
  if (tables && tables.length > 1) return shapeOfTables(operation, tables);
  const model = options.model ?? (options.instance?.constructor as ModelStaticLike | undefined);
  if (model) return modelShape(model, operation);
  if (tables?.length === 1) return shapeOfTables(operation, tables);
  const target = singleTableTarget(call.sql, operation);
  if (target) return shapeOfTables(operation, [target]);
  if (call.modelCall && options.type !== 'RAW' && options.type !== undefined) {
    return modelShape(call.modelCall.model, operation);
  }
  return shapeOfTables(operation, []);
}

/** What a raw statement writes, as far as its text tells. */
export interface RawWriteShape {
  /** `UNKNOWN`: a write whose kind the text does not tell (`CALL`, `EXEC`, `MERGE`, a mix). */
  readonly verb: 'INSERT' | 'UPDATE' | 'DELETE' | 'UNKNOWN';
  readonly table?: string;
}

const WRITE_VERBS: Readonly<Record<string, RawWriteShape['verb']>> = {
  INSERT: 'INSERT',
  REPLACE: 'INSERT',
  UPDATE: 'UPDATE',
  DELETE: 'DELETE',
  MERGE: 'UNKNOWN',
  CALL: 'UNKNOWN',
  EXEC: 'UNKNOWN',
  EXECUTE: 'UNKNOWN',
  DO: 'UNKNOWN',
};

/** Words that, inside a `WITH` statement, make it a write. */
const WRITE_WORDS_IN_WITH = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);
/** Words after which `UPDATE`/`DELETE` is a clause, not a statement: `FOR UPDATE`, `DO UPDATE`, `ON DELETE`. */
const NOT_A_WRITE_AFTER = new Set(['FOR', 'KEY', 'DO', 'ON', 'THEN']);

/**
 * What a raw SQL text writes, read from the text alone (whatever query type it runs under:
 * `UPDATE ... RETURNING` run as a SELECT is still an update): a statement led by a write
 * verb, a `WITH` whose body writes, `MERGE`, `CALL`/`EXEC`, or several statements in one
 * string of which any writes. `undefined` for text that writes nothing it can tell.
 */
export function rawWriteShape(sql: string): RawWriteShape | undefined {
  const semicolon = sql.indexOf(';');
  const verb = leadingVerb(sql);
  // The common case, one statement led by its verb: no scan of the text.
  if (semicolon < 0 || sql.slice(semicolon + 1).trim() === '') {
    return verb === 'WITH' ? writeInWith(sql) : singleWrite(sql, verb);
  }
  const writes = splitStatements(sql)
    .map((statement) => {
      const own = leadingVerb(statement);
      return own === 'WITH' ? writeInWith(statement) : singleWrite(statement, own);
    })
    .filter((shape): shape is RawWriteShape => shape !== undefined);
  if (writes.length <= 1) return writes[0];
  const [first] = writes;
  const sameTable = writes.every((shape) => shape.table === first.table);
  const sameVerb = writes.every((shape) => shape.verb === first.verb);
  return { verb: sameVerb ? first.verb : 'UNKNOWN', table: sameTable ? first.table : undefined };
}

function singleWrite(sql: string, verb: string): RawWriteShape | undefined {
  const kind = WRITE_VERBS[verb];
  if (!kind) return undefined;
  if (verb === 'MERGE') {
    return { verb: kind, table: readTableName(sql, readKeyword(sql, readKeyword(sql, 0).end).end) };
  }
  return { verb: kind, table: kind === 'UNKNOWN' ? undefined : singleTableTarget(sql, verb) };
}

/** The write inside a `WITH ... ` statement, if its text holds one outside literals. */
function writeInWith(sql: string): RawWriteShape | undefined {
  const found: RawWriteShape[] = [];
  let previous = '';
  scanSql(sql, {
    word(word, start) {
      const clause = NOT_A_WRITE_AFTER.has(previous);
      previous = word;
      if (WRITE_WORDS_IN_WITH.has(word) && !clause) {
        const rest = sql.slice(start);
        found.push(singleWrite(rest, word) ?? { verb: 'UNKNOWN' });
      }
    },
  });
  if (found.length === 0) return undefined;
  const [first] = found;
  if (found.every((shape) => shape.verb === first.verb && shape.table === first.table))
    return first;
  return {
    verb: 'UNKNOWN',
    table: found.every((s) => s.table === first.table) ? first.table : undefined,
  };
}

/** The statements of a text holding several, split at the semicolons outside literals. */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let start = 0;
  scanSql(sql, {
    semicolon(at) {
      statements.push(sql.slice(start, at));
      start = at + 1;
    },
  });
  statements.push(sql.slice(start));
  return statements.filter((statement) => statement.trim() !== '');
}

interface SqlScanHandlers {
  /** A bare word (upper case) outside literals, quoted names and comments. */
  word?(word: string, start: number): void;
  semicolon?(at: number): void;
}

/** Walks a SQL text, skipping string literals, quoted names, comments and $tag$ strings. */
function scanSql(sql: string, handlers: SqlScanHandlers): void {
  let i = 0;
  while (i < sql.length) {
    const char = sql[i];
    if (char === "'" || char === '"' || char === '`') {
      i = endOfQuoted(sql, i, char);
    } else if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (char === '$' && /^\$[A-Za-z_]*\$/.test(sql.slice(i, i + 64))) {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i, i + 64))?.[0] ?? '$$';
      const end = sql.indexOf(tag, i + tag.length);
      i = end < 0 ? sql.length : end + tag.length;
    } else if (char === ';') {
      handlers.semicolon?.(i);
      i += 1;
    } else if (
      isLetter(sql.charCodeAt(i)) &&
      (i === 0 || !isIdentifierChar(sql.charCodeAt(i - 1)))
    ) {
      let end = i;
      while (end < sql.length && isIdentifierChar(sql.charCodeAt(end))) end += 1;
      handlers.word?.(sql.slice(i, end).toUpperCase(), i);
      i = end;
    } else {
      i += 1;
    }
  }
}

/** Where a quoted literal or name that opens at `start` ends (doubled quotes and `\` escapes kept in). */
function endOfQuoted(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === '\\' && quote === "'") {
      i += 2;
    } else if (sql[i] === quote) {
      if (sql[i + 1] !== quote) return i + 1;
      i += 2;
    } else {
      i += 1;
    }
  }
  return sql.length;
}
