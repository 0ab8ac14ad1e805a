/*
 * Retention per table (`audit.retention = { sessions: '90d', orders: '7y' }`): how long the
 * records of a table are kept before `prune` may remove them.
 */

const DURATION = /^(\d+)(h|d|w|m|y)$/;
const UNIT_MS: Record<string, number> = {
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  m: 30 * 86_400_000,
  y: 365 * 86_400_000,
};

/** Retention per table, in milliseconds. */
export type RetentionMs = ReadonlyMap<string, number>;

/**
 * A retention duration in milliseconds: a number and a unit, `h` hours, `d` days, `w` weeks,
 * `m` months (30 days), `y` years (365 days).
 *
 * @example parseRetentionDuration('90d') // 7776000000
 */
export function parseRetentionDuration(text: string): number {
  const match = DURATION.exec(text.trim());
  if (!match || Number(match[1]) <= 0) {
    throw new Error(
      `retention "${text}" is not a duration: use a number and a unit, h, d, w, m (30 days) or y (365 days), e.g. 90d or 7y`,
    );
  }
  return Number(match[1]) * UNIT_MS[match[2]];
}

/** Every table's retention, checked (a bad duration is an error naming the table). */
export function resolveRetention(
  retention: Readonly<Record<string, string>> | undefined,
): RetentionMs {
  const resolved = new Map<string, number>();
  for (const [table, text] of Object.entries(retention ?? {})) {
    try {
      resolved.set(table, parseRetentionDuration(text));
    } catch (error) {
      throw new Error(`retention of table "${table}": ${(error as Error).message}`);
    }
  }
  return resolved;
}

/**
 * `table=duration` pairs, comma-separated or repeated (the CLI's `--retention` and
 * `AUDIT_RETENTION`), as a retention config.
 *
 * @example parseRetentionPairs(['sessions=90d,orders=7y']) // { sessions: '90d', orders: '7y' }
 */
export function parseRetentionPairs(pairs: readonly string[]): Record<string, string> {
  const retention: Record<string, string> = {};
  for (const pair of pairs
    .flatMap((p) => p.split(','))
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at <= 0 || at === pair.length - 1) {
      throw new Error(`retention "${pair}" is not table=duration, e.g. sessions=90d`);
    }
    retention[pair.slice(0, at)] = pair.slice(at + 1);
  }
  resolveRetention(retention);
  return retention;
}
