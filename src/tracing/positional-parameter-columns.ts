/**
 * The column each positional parameter of a statement stands for, so redaction rules, which
 * match names, also apply to parameters that carry none: `"password" = $2` in SET and WHERE,
 * and the column list of `INSERT INTO t ("email", "password") VALUES ($1, $2)`.
 * `$n` is parameter n-1; each `?` is the next parameter.
 */
export function positionalParameterColumns(sql: string): Map<number, string> {
  const columns = new Map<number, string>();
  const scanner = new ParameterScanner(sql);
  for (const token of scanner.tokens()) scanner.track(token, columns);
  return columns;
}

type Token =
  | { kind: 'identifier'; text: string }
  | { kind: 'word'; text: string }
  | { kind: 'parameter'; index: number }
  | { kind: 'symbol'; text: string };

const QUOTES: Record<string, string> = { '"': '"', '`': '`', '[': ']' };

function isWordChar(char: string): boolean {
  const code = char.charCodeAt(0);
  return (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 95 ||
    code > 127
  );
}

class ParameterScanner {
  private questionMarks = 0;
  // The INSERT column list and where the VALUES tuple reading stands.
  private insertColumns: string[] = [];
  private state: 'start' | 'insert-columns' | 'after-columns' | 'values' = 'start';
  private valuePosition = 0;
  private depth = 0;
  private previous: Token[] = [];

  constructor(private readonly sql: string) {}

  *tokens(): Generator<Token> {
    const { sql } = this;
    let i = 0;
    while (i < sql.length) {
      const char = sql[i];
      if (char === "'") {
        i = this.skipString(i);
      } else if (QUOTES[char]) {
        const end = sql.indexOf(QUOTES[char], i + 1);
        const stop = end < 0 ? sql.length : end;
        yield { kind: 'identifier', text: sql.slice(i + 1, stop) };
        i = stop + 1;
      } else if (char === '$' && isWordChar(sql[i + 1] ?? ' ')) {
        let end = i + 1;
        while (end < sql.length && isWordChar(sql[end])) end += 1;
        const index = Number(sql.slice(i + 1, end)) - 1;
        if (Number.isInteger(index) && index >= 0) yield { kind: 'parameter', index };
        i = end;
      } else if (char === '?') {
        yield { kind: 'parameter', index: this.questionMarks++ };
        i += 1;
      } else if (isWordChar(char)) {
        let end = i;
        while (end < sql.length && isWordChar(sql[end])) end += 1;
        yield { kind: 'word', text: sql.slice(i, end) };
        i = end;
      } else {
        if (char.trim() !== '') yield { kind: 'symbol', text: char };
        i += 1;
      }
    }
  }

  private skipString(start: number): number {
    let i = start + 1;
    while (i < this.sql.length) {
      if (this.sql[i] === '\\') i += 2;
      else if (this.sql[i] === "'") return i + 1;
      else i += 1;
    }
    return i;
  }

  track(token: Token, columns: Map<number, string>): void {
    if (token.kind === 'parameter') this.name(token.index, columns);
    else this.followInsert(token);
    this.previous = [...this.previous.slice(-2), token];
  }

  private name(index: number, columns: Map<number, string>): void {
    if (this.state === 'values' && this.depth === 1) {
      const column = this.insertColumns[this.valuePosition];
      if (column) columns.set(index, column);
      return;
    }
    const [beforeOperator, operator] = this.previous.slice(-2);
    const comparison = operator?.kind === 'symbol' && '=<>'.includes(operator.text);
    const named = beforeOperator?.kind === 'identifier' || beforeOperator?.kind === 'word';
    if (comparison && named) columns.set(index, beforeOperator.text);
  }

  private followInsert(token: Token): void {
    const text = token.kind === 'parameter' ? '' : token.text;
    if (token.kind === 'symbol' && text === '(') this.depth += 1;
    if (token.kind === 'symbol' && text === ')') this.depth -= 1;
    const upper = token.kind === 'word' ? text.toUpperCase() : '';
    if (this.state === 'start' && upper === 'INSERT') {
      this.state = 'insert-columns';
      this.insertColumns = [];
    } else if (this.state === 'insert-columns' && this.depth === 1 && token.kind !== 'symbol') {
      this.insertColumns.push(text);
    } else if (this.state === 'insert-columns' && text === ')' && this.depth === 0) {
      this.state = 'after-columns';
    } else if (this.state === 'after-columns' && upper === 'VALUES') {
      this.state = 'values';
    } else if (this.state === 'values' && token.kind === 'symbol') {
      if (text === '(' && this.depth === 1) this.valuePosition = 0;
      else if (text === ',' && this.depth === 1) this.valuePosition += 1;
    }
  }
}
