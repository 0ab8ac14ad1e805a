import type { AuditRecordFilter, AuditStore } from '../store/audit-store';
import { openAuditStore } from '../store/open-store';
import { verifyChains } from '../store/verify-chains';
import type { VerifyChainsOptions } from '../store/verify-chains';
import type { ConsistencyProof, InclusionProof } from '../integrity/proofs';
import { StreamProofs } from '../integrity/stream-proofs';
import type { CheckpointRef } from '../integrity/stream-proofs';
import type { AuditRecord, VerifyResult } from '../types';
import { complianceOf } from '../store/keys/subject-keys';
import type { ComplianceStore } from '../store/keys/subject-keys';
import { eraseSubject } from './erase-subject';
import type { EraseOptions, EraseResult } from './erase-subject';
import { followRecords } from './follow';
import { pruneByRetention } from './prune-by-retention';
import type { PruneByRetentionOptions, PruneByRetentionResult } from './retention-prune';
import type { LegalHold } from '../store/keys/subject-keys';
import { PersonalValues } from './personal-values';
import type { TrailEncryptionOptions } from './personal-values';
import { RevealingStore } from './revealing-store';
import type { FollowOptions } from './follow';
import { cursorOf, decodePageToken, encodePageToken } from './page-token';
import { readRecords } from './read-records';
import { recordIdOf } from './record-key';
import { planRevert } from './revert';
import { diffValues } from './row-fold';
import { foldedVersions, numberVersions, rowState } from './row-versions';
import type { FoldedVersion } from './row-versions';
import type {
  AsOfOptions,
  ChangesPage,
  ChangesQuery,
  FieldChangeEvent,
  HistoryPage,
  HistoryPoint,
  PageOptions,
  RecordKey,
  RevertPlan,
  RowDiff,
  RowState,
  RowValues,
  WalkProgress,
} from './trail-types';

/** What `verify()` checks besides the links: chain keys, checkpoint signatures, witnesses. */
export interface TrailVerifyOptions extends Pick<
  VerifyChainsOptions,
  'chainKey' | 'keyProvider' | 'publicKey' | 'witness' | 'streams'
> {
  onProgress?: (progress: WalkProgress) => void;
}

/** Options of `AuditTrail`. */
export interface AuditTrailOptions {
  /** Items per page of `history()` and `changes()` when the call does not say. @default 100 */
  pageSize?: number;
  /** Records fetched per store call when a method walks a whole row or trail. @default 1000 */
  batchSize?: number;
  /**
   * How encrypted personal values are read: with the master key they are decrypted; without
   * it they read as `"[ENCRYPTED]"`; once erased as `"[ERASED]"` (see the README, "Compliance").
   * @default {} (no master key)
   * @example encryption: { masterKey: process.env.AUDIT_MASTER_KEY }
   */
  encryption?: TrailEncryptionOptions;
}

/**
 * Answers questions about the audit trail kept in any `AuditStore`: what a row looked like
 * at a moment, who changed a field, what an actor changed, and what to write to undo it.
 * Versions are numbered from 1, the oldest record of the row still in the store.
 *
 * @example
 * const trail = new AuditTrail(store);
 * const page = await trail.history('orders', 42);             // every version, oldest first
 * const then = await trail.asOf('orders', 42, new Date('2026-11-24T12:00:00Z'));
 * const who = await trail.whoChanged('orders', 42, 'status');
 * for await (const record of trail.iterateChanges({ actor: 'nightly-job', since })) { ... }
 */
export class AuditTrail {
  private readonly pageSize: number;
  private readonly batchSize: number;
  private proofs?: StreamProofs;
  /**
   * The store as readers see it: personal values decrypted, erased or masked. `raw` is the
   * store as given, whose records carry the ciphertext (verify and proofs read it).
   */
  readonly store: AuditStore;
  readonly raw: AuditStore;
  private readonly keys?: ComplianceStore;

  constructor(store: AuditStore, options: AuditTrailOptions = {}) {
    this.pageSize = positive(options.pageSize ?? 100, 'pageSize');
    this.batchSize = positive(options.batchSize ?? 1000, 'batchSize');
    this.raw = store instanceof RevealingStore ? store.raw : store;
    const keyHolder = options.encryption?.keyStore ?? this.raw;
    this.keys = hasCompliance(keyHolder) ? complianceOf(keyHolder) : undefined;
    this.store = new RevealingStore(this.raw, new PersonalValues(this.keys, options.encryption));
  }

  /**
   * Erases a data subject: appends a chained erasure record (no personal data in it), then
   * destroys the subject's keys, so every personal value of the subject reads as `"[ERASED]"`
   * on every read path from then on. `verify()` still passes: the chain covers the ciphertext.
   * Needs a store opened for writing.
   *
   * @example
   * const { keysDestroyed, records } = await trail.erase('42', { reason: 'GDPR request 17' });
   */
  async erase(subjectId: string, options: EraseOptions = {}): Promise<EraseResult> {
    if (typeof subjectId !== 'string' || subjectId === '') {
      throw new Error('erase: give the subject id as a non-empty string, e.g. trail.erase("42")');
    }
    const keys = this.keys ?? complianceOf(this.raw);
    return eraseSubject(this.raw, keys, subjectId, options, this.batchSize);
  }

  /**
   * Puts the records of one row under a legal hold until `until`: no prune removes them (nor
   * anything after them in their chains) before then.
   *
   * @example
   * await trail.hold('orders', 42, new Date('2030-01-01'), { reason: 'litigation 2026-17' });
   */
  async hold(
    table: string,
    key: RecordKey,
    until: Date,
    options: { reason?: string; actor?: string } = {},
  ): Promise<LegalHold> {
    if (Number.isNaN(until.getTime())) throw new Error('hold: `until` is not a valid date');
    const hold: LegalHold = {
      table,
      recordId: recordIdOf(key),
      until: until.toISOString(),
      createdAt: new Date().toISOString(),
      ...options,
    };
    await complianceOf(this.raw).addHold(hold);
    return hold;
  }

  /** Every legal hold of the store (expired ones too). */
  async holds(): Promise<LegalHold[]> {
    return this.keys ? this.keys.holds() : [];
  }

  /**
   * Applies retention per table and legal holds (see `pruneByRetention`); `dryRun` only says
   * what would go.
   *
   * @example
   * await trail.prune({ retention: { sessions: '90d' }, dryRun: true });
   */
  prune(options: PruneByRetentionOptions): Promise<PruneByRetentionResult> {
    return pruneByRetention(this.raw, options);
  }

  /**
   * A trail over the store a URL names, opened read-only: nothing is created or altered, and a
   * missing table or file fails with `AuditStoreNotFoundError` naming what does exist. Close it
   * with `trail.store.close()`.
   *
   * @example
   * const trail = await AuditTrail.open('postgres://audit@db/app?table=audit_log');
   * try { await trail.verify(); } finally { await trail.store.close(); }
   */
  static async open(url: string, options: AuditTrailOptions = {}): Promise<AuditTrail> {
    return new AuditTrail(await openAuditStore(url, { mode: 'read' }), options);
  }

  /** Every version of a row, oldest first, one page at a time. */
  async history(table: string, key: RecordKey, page: PageOptions = {}): Promise<HistoryPage> {
    const recordId = recordIdOf(key);
    const limit = positive(page.limit ?? this.pageSize, 'limit');
    const state = page.pageToken ? decodePageToken(page.pageToken) : undefined;
    const records = await this.store.find(
      { table, recordId },
      { limit: limit + 1, after: state?.after },
    );
    const versions = numberVersions(
      records.slice(0, limit),
      state?.version ?? 0,
      state?.status ?? 'absent',
    );
    const last = versions[versions.length - 1];
    const nextPageToken =
      records.length > limit
        ? encodePageToken({
            after: cursorOf(last.record),
            version: last.version,
            status: last.status,
          })
        : undefined;
    return { table, recordId, versions, nextPageToken };
  }

  /** The row as it was at `time`: `null` before it existed and after it was deleted. */
  async asOf(
    table: string,
    key: RecordKey,
    time: Date,
    options?: AsOfOptions,
  ): Promise<RowValues | null> {
    return (await this.stateAt(table, key, time, options)).row;
  }

  /** The row at a version (1 = oldest) or a moment, with its status and the version. */
  async stateAt(
    table: string,
    key: RecordKey,
    point: HistoryPoint,
    options?: AsOfOptions,
  ): Promise<RowState> {
    const recordId = recordIdOf(key);
    return rowState(table, recordId, await this.foldTo(table, recordId, point), options);
  }

  /** The latest state of a row. */
  async current(table: string, key: RecordKey, options?: AsOfOptions): Promise<RowState> {
    const recordId = recordIdOf(key);
    return rowState(table, recordId, await this.lastVersion(table, recordId), options);
  }

  /** Field by field, what differs between two versions or moments of a row. */
  async diff(
    table: string,
    key: RecordKey,
    from: HistoryPoint,
    to: HistoryPoint,
  ): Promise<RowDiff> {
    const options = { includeSoftDeleted: true };
    const [before, after] = await Promise.all([
      this.stateAt(table, key, from, options),
      this.stateAt(table, key, to, options),
    ]);
    const changes = diffValues(before.row, after.row);
    return { table, recordId: before.recordId, from: before, to: after, changes };
  }

  /** One page of the records that match a filter (uses the store's indexes). */
  async changes(query: ChangesQuery = {}, page: PageOptions = {}): Promise<ChangesPage> {
    const limit = positive(page.limit ?? this.pageSize, 'limit');
    const after = page.pageToken ? decodePageToken(page.pageToken).after : undefined;
    const records = await this.store.find(toFilter(query), {
      limit: limit + 1,
      after,
      order: query.order,
    });
    const kept = records.slice(0, limit);
    const nextPageToken =
      records.length > limit
        ? encodePageToken({ after: cursorOf(kept[kept.length - 1]) })
        : undefined;
    return { records: kept, nextPageToken };
  }

  /** Every record that matches a filter, as a stream fetched page by page. */
  iterateChanges(query: ChangesQuery = {}): AsyncIterable<AuditRecord> {
    return readRecords(this.store, toFilter(query), {
      order: query.order,
      batchSize: this.batchSize,
    });
  }

  /**
   * Records appended from now on that match a filter, as they arrive, until the signal aborts.
   * Following starts when the returned promise resolves.
   */
  follow(
    query: ChangesQuery = {},
    options: FollowOptions = {},
  ): Promise<AsyncIterable<AuditRecord>> {
    return followRecords(this.store, toFilter(query), { batchSize: this.batchSize, ...options });
  }

  /** How many records match a filter. */
  async count(query: ChangesQuery = {}): Promise<number> {
    return this.store.count(toFilter(query));
  }

  /** Each change of one field of a row, oldest first, with who made it and when. */
  async whoChanged(table: string, key: RecordKey, field: string): Promise<FieldChangeEvent[]> {
    const events: FieldChangeEvent[] = [];
    for await (const { version } of this.walk(table, recordIdOf(key))) {
      if (version.operation === 'delete') continue;
      const change = version.changes.find((c) => c.field === field);
      if (!change) continue;
      const { record } = version;
      events.push({
        ...change,
        version: version.version,
        occurredAt: version.occurredAt,
        operation: version.operation,
        actor: record.actor,
        reason: record.reason,
        traceId: record.traceId,
        eventId: record.eventId,
      });
    }
    return events;
  }

  /** The values to write to bring a row back to a version. Writes nothing. */
  async revert(table: string, key: RecordKey, toVersion: number): Promise<RevertPlan> {
    const recordId = recordIdOf(key);
    versionNumber(toVersion);
    let target: FoldedVersion | undefined;
    let latest: FoldedVersion | undefined;
    const changedSince = new Set<string>();
    for await (const folded of this.walk(table, recordId)) {
      if (target) for (const change of folded.version.changes) changedSince.add(change.field);
      if (folded.version.version === toVersion) target = folded;
      latest = folded;
    }
    if (!target) throw missingVersion(table, recordId, toVersion, latest?.version.version ?? 0);
    const options = { includeSoftDeleted: true };
    const current = rowState(table, recordId, latest, options);
    const targetState = rowState(table, recordId, target, options);
    return planRevert(current, targetState, toVersion, changedSince);
  }

  /**
   * Walks every hash chain of the store; reports the first break, whether the chain is keyed,
   * the checkpoints and witnesses checked. With `chainKey`, `publicKey` and `witness` it also
   * catches what an insider without the keys can do (see the README, "Tamper evidence").
   */
  async verify(
    options: TrailVerifyOptions | ((progress: WalkProgress) => void) = {},
  ): Promise<VerifyResult> {
    const { onProgress, ...integrity } =
      typeof options === 'function' ? { onProgress: options } : options;
    return verifyChains(this.raw, {
      ...integrity,
      details: true,
      pageSize: this.batchSize,
      onProgress: onProgress && ((p) => onProgress({ done: p.records, total: p.total })),
    });
  }

  /** The inclusion proof of one record against its stream's newest signed checkpoint (JSON). */
  prove(eventId: string): Promise<InclusionProof> {
    this.proofs ??= new StreamProofs(this.raw, this.batchSize);
    return this.proofs.prove(eventId);
  }

  /** The proof that a newer signed checkpoint (default: the newest) extends an older one. */
  consistency(older: CheckpointRef, newer?: CheckpointRef): Promise<ConsistencyProof> {
    this.proofs ??= new StreamProofs(this.raw, this.batchSize);
    return this.proofs.consistency(older, newer);
  }

  private walk(table: string, recordId: string, until?: Date): AsyncGenerator<FoldedVersion> {
    return foldedVersions(this.store, table, recordId, this.batchSize, until);
  }

  private async foldTo(
    table: string,
    recordId: string,
    point: HistoryPoint,
  ): Promise<FoldedVersion | undefined> {
    if (point instanceof Date) return this.lastVersion(table, recordId, atOrBefore(point));
    versionNumber(point);
    let last: FoldedVersion | undefined;
    for await (const folded of this.walk(table, recordId)) {
      if (folded.version.version === point) return folded;
      last = folded;
    }
    throw missingVersion(table, recordId, point, last?.version.version ?? 0);
  }

  private async lastVersion(
    table: string,
    recordId: string,
    until?: Date,
  ): Promise<FoldedVersion | undefined> {
    let last: FoldedVersion | undefined;
    for await (const folded of this.walk(table, recordId, until)) last = folded;
    return last;
  }
}

function toFilter(query: ChangesQuery): AuditRecordFilter {
  return {
    table: query.table,
    recordId: query.recordId === undefined ? undefined : recordIdOf(query.recordId),
    actorId: query.actor,
    operation: query.operation,
    traceId: query.traceId,
    since: query.since,
    until: query.until,
    metadata: query.metadata,
  };
}

/** The store's `until` is exclusive; a moment includes what happened at that very millisecond. */
function atOrBefore(time: Date): Date {
  if (Number.isNaN(time.getTime())) throw new RangeError('Invalid Date given as a moment');
  return new Date(time.getTime() + 1);
}

function hasCompliance(store: AuditStore): boolean {
  return typeof (store as { compliance?: unknown }).compliance === 'function';
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  return value;
}

function versionNumber(version: number): void {
  positive(version, 'version');
}

function missingVersion(table: string, recordId: string, wanted: number, have: number): RangeError {
  return new RangeError(
    `${table}#${recordId} has ${have} version${have === 1 ? '' : 's'} in the audit trail; there is no version ${wanted}`,
  );
}
