import { sanitizeSql } from '../sequelize/sql/sanitize-sql';
import type { SanitizeOptions } from '../sequelize/sql/sanitize-sql';

const MAX_ENTRIES = 512;
const MAX_CACHED_SQL_LENGTH = 4096;

/**
 * Remembers the sanitized form of recent statements. Statements that keep their values apart
 * (instance saves, bound or replaced raw SQL) repeat the same text, so most are sanitized once.
 * Bounded: when full it starts over, which keeps the hot statements and costs nothing to track.
 * Entries are kept per options object, so the SQL text itself is the key (no key to build).
 */
export class SanitizedTextCache {
  private readonly byOptions = new WeakMap<SanitizeOptions, Map<string, string>>();

  get(sql: string, options: SanitizeOptions): string {
    if (sql.length > MAX_CACHED_SQL_LENGTH) return sanitizeSql(sql, options);
    let entries = this.byOptions.get(options);
    if (!entries) {
      entries = new Map();
      this.byOptions.set(options, entries);
    }
    let text = entries.get(sql);
    if (text === undefined) {
      text = sanitizeSql(sql, options);
      if (entries.size >= MAX_ENTRIES) entries.clear();
      entries.set(sql, text);
    }
    return text;
  }
}
