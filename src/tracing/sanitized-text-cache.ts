import { sanitizeSql } from './sanitize-sql';
import type { SanitizeOptions } from './sanitize-sql';

const MAX_ENTRIES = 512;
const MAX_CACHED_SQL_LENGTH = 4096;

/**
 * Remembers the sanitized form of recent statements. Statements that bind their values
 * (instance saves, parameterized raw SQL) repeat the same text, so most are sanitized once.
 * Bounded: when full it starts over, which keeps the hot statements and costs nothing to track.
 */
export class SanitizedTextCache {
  private readonly entries = new Map<string, string>();

  get(sql: string, options: SanitizeOptions): string {
    if (sql.length > MAX_CACHED_SQL_LENGTH) return sanitizeSql(sql, options);
    const key = `${options.mysqlQuoting ? 'm' : 's'}${options.bracketIdentifiers ? 'b' : '-'}${options.maxLength}:${sql}`;
    let text = this.entries.get(key);
    if (text === undefined) {
      text = sanitizeSql(sql, options);
      if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
      this.entries.set(key, text);
    }
    return text;
  }
}
