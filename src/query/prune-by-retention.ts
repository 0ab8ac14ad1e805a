import { signPruneCheckpoints } from '../integrity/signed-prune';
import type { AuditStore } from '../store/audit-store';
import { complianceOf } from '../store/keys/subject-keys';
import type { LegalHold } from '../store/keys/subject-keys';
import { resolveRetention } from './retention';
import { planRetentionPrune } from './retention-prune';
import type { PruneByRetentionOptions, PruneByRetentionResult } from './retention-prune';

/**
 * Applies retention per table and legal holds: removes, per stream, the prefix of records that
 * are all due (see `planRetentionPrune`), leaving a `prune` checkpoint at each cut (signed with
 * `signingKey`), so `verify` still passes. Records under a live legal hold are never removed.
 *
 * @example
 * await pruneByRetention(store, { retention: { sessions: '90d', orders: '7y' } });
 * const plan = await pruneByRetention(store, { retention, dryRun: true }); // plan.removable
 */
export async function pruneByRetention(
  store: AuditStore,
  options: PruneByRetentionOptions,
): Promise<PruneByRetentionResult> {
  const retention = resolveRetention(options.retention);
  if (retention.size === 0 && options.before === undefined) {
    throw new Error(
      'prune: nothing says what may go; give a retention per table (e.g. sessions=90d) or a date to prune before',
    );
  }
  const holds: LegalHold[] = hasCompliance(store) ? await complianceOf(store).holds() : [];
  const plan = await planRetentionPrune(store, { ...options, retention, holds });
  if (options.dryRun || plan.removable === 0)
    return { ...plan, removed: 0, dryRun: options.dryRun === true };
  if (!store.pruneThrough) {
    throw new Error(`audit store "${store.name}" cannot prune by retention (no pruneThrough)`);
  }
  const cuts = new Map(plan.streams.filter((s) => s.cutSeq > 0).map((s) => [s.stream, s.cutSeq]));
  if (options.signingKey !== undefined) await signPruneCheckpoints(store, cuts, options.signingKey);
  const { removed } = await store.pruneThrough(cuts);
  return { ...plan, removed, dryRun: false };
}

function hasCompliance(store: AuditStore): boolean {
  return typeof (store as { compliance?: unknown }).compliance === 'function';
}
