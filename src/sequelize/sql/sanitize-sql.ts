/**
 * Replaces every literal of a SQL text with `?`: quoted strings, numbers, booleans and
 * dollar-quoted strings. Placeholders (`?`, `$1`, `:name`), identifiers, keywords, NULL and
 * comments are kept. A list of literals after IN collapses to `(?)`, so texts that differ
 * only by the length of an IN-list read the same.
 *
 * One pass, character by character; no regular expression runs over the text.
 */
export interface SanitizeOptions {
  /** MySQL and MariaDB: backslash escapes inside strings, double quotes delimit strings. */
  readonly mysqlQuoting: boolean;
  /** SQL Server: `[...]` delimits an identifier (elsewhere it may hold array literals). */
  readonly bracketIdentifiers?: boolean;
  /** Stop once the output reaches this length. */
  readonly maxLength: number;
}

const QUOTE = 39; // '
const DOUBLE_QUOTE = 34; // "
const BACKTICK = 96; // `
const BRACKET_OPEN = 91; // [
const BACKSLASH = 92;
const DOLLAR = 36;
const DASH = 45;
const SLASH = 47;
const STAR = 42;
const NEWLINE = 10;
const PAREN_OPEN = 40;
const PAREN_CLOSE = 41;
const COMMA = 44;

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isWordChar(code: number): boolean {
  return (
    (code >= 97 && code <= 122) ||
    (code >= 65 && code <= 90) ||
    isDigit(code) ||
    code === 95 || // _
    code === DOLLAR ||
    code === 64 || // @
    code === 35 || // #
    code > 127
  );
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === NEWLINE || code === 13;
}

/** End (exclusive) of a quoted run starting at `start` (on the opening quote). */
function endOfQuoted(sql: string, start: number, close: number, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const code = sql.charCodeAt(i);
    if (backslashEscapes && code === BACKSLASH) {
      i += 2;
    } else if (code === close) {
      if (sql.charCodeAt(i + 1) !== close) return i + 1;
      i += 2; // a doubled quote is an escaped quote
    } else {
      i += 1;
    }
  }
  return sql.length;
}

function endOfWord(sql: string, start: number): number {
  let i = start;
  while (i < sql.length && isWordChar(sql.charCodeAt(i))) i += 1;
  return i;
}

/** End of a number: digits, a decimal point, an exponent with its sign, a hex prefix. */
function endOfNumber(sql: string, start: number): number {
  let i = start;
  while (i < sql.length) {
    const code = sql.charCodeAt(i);
    const previous = sql.charCodeAt(i - 1);
    const exponentSign = (code === 43 || code === DASH) && (previous === 101 || previous === 69);
    if (isWordChar(code) || code === 46 || exponentSign) i += 1;
    else break;
  }
  return i;
}

/** End of a dollar-quoted string (`$$...$$` or `$tag$...$tag$`), or -1 when not one. */
function endOfDollarQuoted(sql: string, start: number): number {
  const tagEnd = sql.indexOf('$', start + 1);
  if (tagEnd < 0) return -1;
  for (let i = start + 1; i < tagEnd; i += 1) {
    const code = sql.charCodeAt(i);
    if (!isWordChar(code) || code === DOLLAR || isDigit(code)) return -1;
  }
  const tag = sql.slice(start, tagEnd + 1);
  const close = sql.indexOf(tag, tagEnd + 1);
  return close < 0 ? sql.length : close + tag.length;
}

/** Whether `sql[start, end)` is `keyword` (given in upper case), in any case; no string is made. */
function isKeywordAt(sql: string, start: number, end: number, keyword: string): boolean {
  if (end - start !== keyword.length) return false;
  for (let k = 0; k < keyword.length; k += 1) {
    // ASCII letters only: clearing bit 0x20 upper-cases a lower-case letter.
    if ((sql.charCodeAt(start + k) & ~0x20) !== keyword.charCodeAt(k)) return false;
  }
  return true;
}

/*
 * Unchanged text is not copied token by token: `sql[copied, i)` is output still pending, and
 * is appended in one slice when a literal (or an IN-list) needs `out` to be up to date.
 */
export function sanitizeSql(sql: string, options: SanitizeOptions): string {
  let out = '';
  let copied = 0;
  let i = 0;
  // The last word that was not a literal, as `sql[lastWordStart, lastWordEnd)`.
  let lastWordStart = 0;
  let lastWordEnd = 0;
  // Where an IN-list opened in `out`, and whether it held only literals so far.
  let inListStart = -1;
  let inListLiteralsOnly = false;
  while (i < sql.length && out.length + (i - copied) < options.maxLength) {
    const code = sql.charCodeAt(i);
    let literal = false;
    let next: number;
    if (code === QUOTE || (code === DOUBLE_QUOTE && options.mysqlQuoting)) {
      next = endOfQuoted(sql, i, code, options.mysqlQuoting);
      literal = true;
    } else if (code === DOUBLE_QUOTE || code === BACKTICK) {
      next = endOfQuoted(sql, i, code, false);
    } else if (code === BRACKET_OPEN && options.bracketIdentifiers) {
      const close = sql.indexOf(']', i);
      next = close < 0 ? sql.length : close + 1;
    } else if (code === DASH && sql.charCodeAt(i + 1) === DASH) {
      const end = sql.indexOf('\n', i);
      next = end < 0 ? sql.length : end;
    } else if (code === SLASH && sql.charCodeAt(i + 1) === STAR) {
      const end = sql.indexOf('*/', i + 2);
      next = end < 0 ? sql.length : end + 2;
    } else if (isDigit(code)) {
      next = endOfNumber(sql, i);
      literal = true;
    } else if (code === DOLLAR && !isDigit(sql.charCodeAt(i + 1))) {
      const end = endOfDollarQuoted(sql, i);
      literal = end > 0;
      next = literal ? end : endOfWord(sql, i + 1);
    } else if (isWordChar(code)) {
      next = endOfWord(sql, i);
      literal = isKeywordAt(sql, i, next, 'TRUE') || isKeywordAt(sql, i, next, 'FALSE');
      if (!literal) {
        lastWordStart = i;
        lastWordEnd = next;
      }
    } else {
      next = i + 1;
    }
    if (literal) {
      out += sql.slice(copied, i) + '?';
      i = next;
      copied = next;
      continue;
    }
    if (code === PAREN_OPEN && isKeywordAt(sql, lastWordStart, lastWordEnd, 'IN')) {
      out += sql.slice(copied, i);
      copied = i;
      inListStart = out.length;
      inListLiteralsOnly = true;
    } else if (code === PAREN_CLOSE && inListStart >= 0) {
      if (inListLiteralsOnly) {
        out += sql.slice(copied, i);
        copied = i;
        out = out.slice(0, inListStart) + '(?';
      }
      inListStart = -1;
    } else if (inListStart >= 0 && code !== COMMA && !isSpace(code)) {
      inListLiteralsOnly = false;
    }
    if (!isSpace(code) && code !== PAREN_OPEN && !isWordChar(code)) {
      lastWordStart = 0;
      lastWordEnd = 0;
    }
    i = next;
  }
  out += sql.slice(copied, i);
  return out.length > options.maxLength ? out.slice(0, options.maxLength) : out;
}
