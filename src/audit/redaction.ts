import { createHmac } from 'node:crypto';
import { REDACTED_MARKER } from '../semconv';
import type { FieldMatcher, RedactionMode } from '../types';
import type { CanonicalValue } from './canonical-value';

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

  /** Whether a redacted field is left out of the record (mode `drop`) rather than replaced. */
  get dropsFields(): boolean {
    return this.mode === 'drop';
  }

  /** What a redacted field holds instead of `value` (mask or keyed hash; never for `drop`). */
  redactValue(value: CanonicalValue): CanonicalValue {
    if (value === null) return null;
    if (this.mode === 'hash' && this.key !== undefined) {
      return `hmac-sha256:${createHmac('sha256', this.key).update(JSON.stringify(value)).digest('hex')}`;
    }
    return REDACTED_MARKER;
  }
}
