import { readFileSync } from 'fs';
import type { AuditDurability } from '../processor/processor-options';
import type { FieldMatcher } from '../types';

/** A variable of the one-flag start that holds a value it cannot use. */
export class RegisterConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly value: string,
    problem: string,
  ) {
    super(`${variable}=${JSON.stringify(value)} ${problem}`);
    this.name = 'RegisterConfigError';
  }
}

/** What the integrity options of the processor get from the environment. */
export interface IntegrityFromEnv {
  chainKey?: string;
  signingKey?: string;
  witness?: string;
}

/** Everything the one-flag start reads from `AUDIT_*` variables, validated. */
export interface RegisterSettings {
  /** `AUDIT_ENABLED`; false: tracing only, no audit store. */
  auditEnabled: boolean;
  /** `AUDIT_REQUIRED`; true: a bad configuration stops the application. */
  required: boolean;
  /** `AUDIT_STORE_URL`; undefined: the default store. */
  storeUrl?: string;
  redact: FieldMatcher[];
  durability?: AuditDurability;
  spoolDirectory?: string;
  integrity: IntegrityFromEnv;
  /** `AUDIT_SHUTDOWN_TIMEOUT_MS`: how long shutdown on exit or a signal may take. */
  shutdownTimeoutMs: number;
  flushIntervalMs?: number;
  maxQueryTextLength?: number;
  captureParameters?: boolean;
  sanitizeQueries?: boolean;
  requireParentSpan?: boolean;
}

type Env = Record<string, string | undefined>;

const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

function present(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** `true`/`false` (also `1`/`0`, `yes`/`no`, any case); undefined when unset. */
export function readBoolean(env: Env, name: string): boolean | undefined {
  const value = present(env, name);
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(lower)) return true;
  if (['false', '0', 'no', 'off'].includes(lower)) return false;
  throw new RegisterConfigError(name, value, 'is not a boolean; use true or false');
}

function readPositiveInteger(env: Env, name: string): number | undefined {
  const value = present(env, name);
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) {
    throw new RegisterConfigError(name, value, 'is not a positive whole number, e.g. 5000');
  }
  return number;
}

/**
 * Splits `AUDIT_REDACT` at commas outside `/.../flags` patterns: `ssn, /card|iban/i, token`.
 * A pattern may itself contain commas (`/a{1,3}/`).
 */
export function splitRedactList(raw: string): string[] {
  const items: string[] = [];
  let current = '';
  let inPattern = false;
  for (let index = 0; index < raw.length; index++) {
    const char = raw[index];
    if (char === '\\' && inPattern) {
      current += char + (raw[index + 1] ?? '');
      index++;
      continue;
    }
    if (char === '/' && (inPattern || current.trim() === '')) inPattern = !inPattern;
    if (char === ',' && !inPattern) {
      items.push(current.trim());
      current = '';
      continue;
    }
    current += char;
  }
  items.push(current.trim());
  return items.filter((item) => item !== '');
}

function readRedact(env: Env): FieldMatcher[] {
  const raw = present(env, 'AUDIT_REDACT');
  if (raw === undefined) return [];
  return splitRedactList(raw).map((item) => {
    if (!item.startsWith('/')) return item;
    const match = /^\/(.+)\/([a-z]*)$/s.exec(item);
    if (!match) {
      throw new RegisterConfigError(
        'AUDIT_REDACT',
        raw,
        `has an unreadable pattern ${item}; write /regex/flags`,
      );
    }
    try {
      return new RegExp(match[1], match[2]);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new RegisterConfigError(
        'AUDIT_REDACT',
        raw,
        `has an unreadable pattern ${item} (${reason})`,
      );
    }
  });
}

function readDurability(env: Env): AuditDurability | undefined {
  const value = present(env, 'AUDIT_DURABILITY');
  if (value === undefined) return undefined;
  if (value === 'batched' || value === 'transactional') return value;
  throw new RegisterConfigError(
    'AUDIT_DURABILITY',
    value,
    'is not a durability; use batched or transactional',
  );
}

function readSigningKey(env: Env): string | undefined {
  const file = present(env, 'AUDIT_SIGNING_KEY_FILE');
  if (file === undefined) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new RegisterConfigError('AUDIT_SIGNING_KEY_FILE', file, `cannot be read (${reason})`);
  }
}

function readStoreUrl(env: Env): string | undefined {
  const value = present(env, 'AUDIT_STORE_URL');
  if (value === undefined) return undefined;
  if (!/^(sqlite|postgres|postgresql|mariadb|mysql|jsonl):/i.test(value)) {
    throw new RegisterConfigError(
      'AUDIT_STORE_URL',
      value,
      'has an unknown scheme; use sqlite:FILE, postgres://..., mariadb://..., mysql://... or jsonl:FILE',
    );
  }
  return value;
}

/**
 * Reads the `AUDIT_*` variables. Throws a `RegisterConfigError` naming the first variable that
 * holds a value it cannot use.
 */
export function readRegisterSettings(env: Env = process.env): RegisterSettings {
  return {
    auditEnabled: readBoolean(env, 'AUDIT_ENABLED') ?? true,
    required: readBoolean(env, 'AUDIT_REQUIRED') ?? false,
    storeUrl: readStoreUrl(env),
    redact: readRedact(env),
    durability: readDurability(env),
    spoolDirectory: present(env, 'AUDIT_SPOOL_DIR'),
    integrity: {
      chainKey: present(env, 'AUDIT_CHAIN_KEY'),
      signingKey: readSigningKey(env),
      witness: present(env, 'AUDIT_WITNESS'),
    },
    shutdownTimeoutMs:
      readPositiveInteger(env, 'AUDIT_SHUTDOWN_TIMEOUT_MS') ?? DEFAULT_SHUTDOWN_TIMEOUT_MS,
    flushIntervalMs: readPositiveInteger(env, 'AUDIT_FLUSH_INTERVAL_MS'),
    maxQueryTextLength: readPositiveInteger(env, 'AUDIT_MAX_QUERY_TEXT_LENGTH'),
    captureParameters: readBoolean(env, 'AUDIT_CAPTURE_PARAMETERS'),
    sanitizeQueries: readBoolean(env, 'AUDIT_SANITIZE_QUERIES'),
    requireParentSpan: readBoolean(env, 'AUDIT_REQUIRE_PARENT_SPAN'),
  };
}

/** `AUDIT_REQUIRED`, read on its own so that it still applies when another variable is bad. */
export function auditRequired(env: Env = process.env): boolean {
  try {
    return readBoolean(env, 'AUDIT_REQUIRED') ?? false;
  } catch {
    return true; // a malformed value of the fail-closed switch fails closed
  }
}
