import { InvalidArgumentError } from 'commander';
import type { AuditOperation } from '../types';
import type { HistoryPoint } from '../query/trail-types';

const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;
const DURATION_AGO = /^(\d+)(s|m|h|d|w)$/;
const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
const DATE_HELP =
  'use ISO 8601 (2026-11-27, 2026-11-27T22:00:00Z) or a duration ago (90m, 12h, 7d)';

/**
 * A moment given on the command line: ISO 8601 (a date alone is midnight UTC; a time without
 * an offset is local time), or a duration ago such as `12h` or `7d`.
 */
export function parseMoment(text: string, now = Date.now()): Date {
  const ago = DURATION_AGO.exec(text);
  if (ago) return new Date(now - Number(ago[1]) * UNIT_MS[ago[2]]);
  const iso = ISO_DATE.exec(text);
  const time = Date.parse(text);
  if (!iso || Number.isNaN(time) || !isCalendarDay(iso)) {
    throw new InvalidArgumentError(`"${text}" is not a date: ${DATE_HELP}.`);
  }
  return new Date(time);
}

function isCalendarDay([, year, month, day]: RegExpExecArray): boolean {
  const daysInMonth = new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate();
  return Number(month) >= 1 && Number(month) <= 12 && Number(day) <= daysInMonth;
}

/** A point of a row's history: a version number (1 = oldest) or a moment. */
export function parsePoint(text: string): HistoryPoint {
  if (/^\d+$/.test(text)) return parseVersion(text);
  try {
    return parseMoment(text);
  } catch {
    throw new InvalidArgumentError(
      `"${text}" is neither a version number (1, 2, ...) nor a date: ${DATE_HELP}.`,
    );
  }
}

export function parseVersion(text: string): number {
  const version = Number(text);
  if (!/^\d+$/.test(text) || version < 1) {
    throw new InvalidArgumentError(`"${text}" is not a version number: versions start at 1.`);
  }
  return version;
}

export function parsePositiveInt(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1) {
    throw new InvalidArgumentError(`"${text}" is not a positive whole number.`);
  }
  return value;
}

export const OPERATIONS: readonly AuditOperation[] = [
  'insert',
  'update',
  'delete',
  'soft_delete',
  'restore',
  'erasure',
  'access',
  'schema',
];
