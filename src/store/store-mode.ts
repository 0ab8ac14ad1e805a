import { closest, distance } from 'fastest-levenshtein';

/**
 * How a store is opened.
 * - `write` (the processor's writer, `migrate`): creates and upgrades what it needs in `init()`.
 * - `read` (the CLI's read commands, `AuditTrail.open`, a viewer): never creates nor alters a
 *   table, file or directory; `init()` fails with `AuditStoreNotFoundError` when the trail is not
 *   there, and every write fails.
 */
export type AuditStoreMode = 'read' | 'write';

/**
 * The table (or file) a store was pointed at does not exist. Thrown by `init()` of a store
 * opened in `read` mode (or with `migrate: false`), never after creating anything.
 */
export class AuditStoreNotFoundError extends Error {
  constructor(
    /** The missing table or file. */
    readonly missing: string,
    /** What does exist where it was looked for: tables of the database, or trail files of the directory. */
    readonly existing: readonly string[],
    /** `table` or `file`. */
    readonly kind: 'table' | 'file',
  ) {
    super(notFoundMessage(missing, existing, kind));
    this.name = 'AuditStoreNotFoundError';
  }
}

function notFoundMessage(missing: string, existing: readonly string[], kind: string): string {
  const where = kind === 'table' ? 'the database' : 'its directory';
  const suggestion = closestName(missing, existing);
  const listed =
    existing.length === 0
      ? `${where} has no ${kind}s`
      : `${kind}s in ${where}: ${existing.join(', ')}`;
  return (
    `the audit ${kind} "${missing}" does not exist (${listed})` +
    (suggestion ? `; did you mean "${suggestion}"? Check` : '; check') +
    ' the name, or run "otel-sequelize-audit migrate" to create it'
  );
}

/**
 * The candidate a mistyped name most likely meant: the same name in another case, or the
 * nearest by edit distance when it is close enough (at most a third of the name).
 *
 * @example closestName('orders', ['Orders', 'users']) // 'Orders'
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const sameCase = candidates.find((c) => c.toLowerCase() === name.toLowerCase());
  if (sameCase) return sameCase;
  const best = closest(
    name.toLowerCase(),
    candidates.map((c) => c.toLowerCase()),
  );
  const index = candidates.findIndex((c) => c.toLowerCase() === best);
  return distance(name.toLowerCase(), best) <= Math.max(1, Math.floor(name.length / 3))
    ? candidates[index]
    : undefined;
}

/** The error a write to a read-only store fails with. */
export function readOnlyError(storeName: string, operation: string): Error {
  return new Error(
    `AuditStore "${storeName}" was opened read-only and cannot ${operation}; open it with mode "write"`,
  );
}
