import { createHmac } from 'node:crypto';
import type { FieldMatcher, RedactionMode } from '../types';
import type { CanonicalValue } from './canonical-value';

/** The text written in place of a masked value. */
export const REDACTED_MARKER = '[REDACTED]';

/**
 * Field names redacted by default, compared case-insensitively and ignoring `_` and `-`
 * (so `api_key`, `apiKey` and `API-KEY` are one name).
 */
export const DEFAULT_REDACTED_FIELDS: readonly string[] = [
  'password',
  'passwordHash',
  'passwordDigest',
  'passwd',
  'pwd',
  'secret',
  'clientSecret',
  'token',
  'accessToken',
  'refreshToken',
  'idToken',
  'sessionToken',
  'resetToken',
  'apiKey',
  'apiSecret',
  'privateKey',
  'secretKey',
  'encryptionKey',
  'otpSecret',
  'mfaSecret',
  'totpSecret',
  'creditCardNumber',
  'cardNumber',
  'cvv',
  'ssn',
];

function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[_-]/g, '');
}

/** Decides which fields are redacted and writes redacted values. */
export class FieldRedactor {
  private readonly names: Set<string>;
  private readonly patterns: RegExp[];
  /** Decisions by field name: a model has few fields and every record asks again. */
  private readonly decisions = new Map<string, boolean>();

  constructor(
    matchers: readonly FieldMatcher[],
    private readonly mode: RedactionMode,
    private readonly key?: string | Buffer,
  ) {
    this.names = new Set(
      matchers.filter((m): m is string => typeof m === 'string').map(normalizeName),
    );
    this.patterns = matchers.filter((m): m is RegExp => m instanceof RegExp);
  }

  /** A redactor with more matchers (per-model ones) and the same mode and key. */
  extend(matchers: readonly FieldMatcher[]): FieldRedactor {
    if (matchers.length === 0) return this;
    return new FieldRedactor([...this.names, ...this.patterns, ...matchers], this.mode, this.key);
  }

  isRedacted(field: string): boolean {
    let decision = this.decisions.get(field);
    if (decision === undefined) {
      decision = this.names.has(normalizeName(field)) || this.matchesPattern(field);
      this.decisions.set(field, decision);
    }
    return decision;
  }

  private matchesPattern(field: string): boolean {
    return this.patterns.some((pattern) => {
      pattern.lastIndex = 0;
      return pattern.test(field);
    });
  }

  /**
   * The row values with redacted fields dropped, masked or replaced by their keyed hash.
   * Returns the same object when nothing is redacted.
   */
  redactRow(row: Record<string, CanonicalValue>): Record<string, CanonicalValue> {
    let result: Record<string, CanonicalValue> | undefined;
    for (const field of Object.keys(row)) {
      if (!this.isRedacted(field)) continue;
      result ??= { ...row };
      if (this.mode === 'drop') delete result[field];
      else result[field] = this.redactValue(row[field]);
    }
    return result ?? row;
  }

  private redactValue(value: CanonicalValue): CanonicalValue {
    if (value === null) return null;
    if (this.mode === 'hash' && this.key !== undefined) {
      return `hmac-sha256:${createHmac('sha256', this.key).update(JSON.stringify(value)).digest('hex')}`;
    }
    return REDACTED_MARKER;
  }
}
