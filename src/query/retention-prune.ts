import type { AuditStore } from '../store/audit-store';
import type { LegalHold } from '../store/keys/subject-keys';
import type { AuditRecord } from '../types';
import type { RetentionMs } from './retention';

/** What `prune` is to remove. */
export interface RetentionPruneOptions {
  /** Retention per table, resolved (`resolveRetention`). */
  retention: RetentionMs;
  /** Also remove records of any table that occurred before this moment. @default none */
  before?: Date;
  /** The moment retention is counted from. @default now */
  now?: Date;
  holds: readonly LegalHold[];
}

/** One stream's part of a prune. */
export interface StreamPrunePlan {
  stream: string;
  /** Records up to this seq go (0: none). */
  cutSeq: number;
  removable: number;
  /** Expired records that stay because a record before them in the chain is kept. */
  waiting: number;
  /** Expired records kept by a legal hold. */
  held: number;
  /** Why the cut stops where it does (the first kept record). */
  keptBecause?: string;
}

/** What a prune removes, stream by stream. */
export interface RetentionPrunePlan {
  streams: StreamPrunePlan[];
  removable: number;
  waiting: number;
  held: number;
}

const PAGE = 2000;

/**
 * Works out, per stream, the longest prefix of its chain whose records are all due: older than
 * their table's retention (or than `before`) and under no live legal hold. A chain is only ever
 * cut at its start, so that what is left verifies from a `prune` checkpoint; an expired record
 * behind a kept one waits (counted in `waiting`) until everything before it is due too.
 */
export async function planRetentionPrune(
  store: AuditStore,
  options: RetentionPruneOptions,
): Promise<RetentionPrunePlan> {
  const now = (options.now ?? new Date()).getTime();
  const liveHolds = new Set(
    options.holds
      .filter((hold) => Date.parse(hold.until) > now)
      .map((hold) => `${hold.table}\u0000${hold.recordId}`),
  );
  const dueReason = (record: AuditRecord): string | undefined => {
    const at = Date.parse(record.occurredAt);
    const keep = options.retention.get(record.table);
    const expired =
      (keep !== undefined && at < now - keep) ||
      (options.before !== undefined && at < options.before.getTime());
    if (!expired) {
      if (keep !== undefined)
        return `${record.table}#${record.recordId ?? '-'} is within its retention`;
      return options.before === undefined
        ? `table "${record.table}" has no retention`
        : `${record.table}#${record.recordId ?? '-'} occurred after the --before date`;
    }
    if (record.recordId !== null && liveHolds.has(`${record.table}\u0000${record.recordId}`)) {
      return `${record.table}#${record.recordId} is under a legal hold`;
    }
    return undefined;
  };
  const plans: StreamPrunePlan[] = [];
  for (const head of await store.streams()) {
    const plan: StreamPrunePlan = {
      stream: head.stream,
      cutSeq: 0,
      removable: 0,
      waiting: 0,
      held: 0,
    };
    let cutting = true;
    for (let from = 1; ;) {
      const page = await store.readStream(head.stream, from, PAGE);
      for (const record of page) {
        const reason = dueReason(record);
        if (cutting && reason === undefined) {
          plan.cutSeq = record.seq;
          plan.removable += 1;
          continue;
        }
        if (cutting) plan.keptBecause = reason;
        cutting = false;
        if (reason?.endsWith('legal hold')) plan.held += 1;
        else if (reason === undefined) plan.waiting += 1;
      }
      if (page.length < PAGE) break;
      from = page[page.length - 1].seq + 1;
    }
    plans.push(plan);
  }
  return {
    streams: plans,
    removable: plans.reduce((sum, p) => sum + p.removable, 0),
    waiting: plans.reduce((sum, p) => sum + p.waiting, 0),
    held: plans.reduce((sum, p) => sum + p.held, 0),
  };
}

/** Options of `pruneByRetention`. */
export interface PruneByRetentionOptions {
  /** Retention per table, as in `audit.retention`. @default {} */
  retention?: Readonly<Record<string, string>>;
  /** Also remove records of every table that occurred before this moment. @default none */
  before?: Date;
  /** Count only; remove nothing. @default false */
  dryRun?: boolean;
  /** Ed25519 private key (PEM): sign the prune checkpoints, so what is left stays provable. @default none */
  signingKey?: string | Buffer;
  /** The moment retention is counted from. @default now */
  now?: Date;
}

/** What `pruneByRetention` did (or, dry, would do). */
export interface PruneByRetentionResult extends RetentionPrunePlan {
  removed: number;
  dryRun: boolean;
}
