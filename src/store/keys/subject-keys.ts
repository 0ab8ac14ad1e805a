/*
 * What a store keeps beside its records for compliance: the wrapped data keys of data
 * subjects (crypto-shredding) and legal holds. `SqlAuditStore` keeps them in tables
 * `<table>_subject_keys` and `<table>_holds`; `JsonlAuditStore` in sidecar files
 * `<path>.keys.json` and `<path>.holds.json`. The OTLP-logs store keeps neither: it is write-only.
 */

/** A data subject's data key, wrapped (AES-256-GCM) by the master key. */
export interface StoredSubjectKey {
  /** Random id, named by every ciphertext made with this key. */
  keyId: string;
  subjectId: string;
  /** Id of the master key that wrapped it (detects a wrong master key). */
  masterKeyId: string;
  /** base64 of iv (12) || tag (16) || wrapped key (32); null once erased. */
  wrappedKey: string | null;
  /** ISO 8601 */
  createdAt: string;
  /** ISO 8601, when `trail.erase` destroyed the key. */
  erasedAt?: string;
}

/** A legal hold: records of one row that no prune may remove before `until`. */
export interface LegalHold {
  table: string;
  recordId: string;
  /** ISO 8601 */
  until: string;
  /** ISO 8601 */
  createdAt: string;
  reason?: string;
  actor?: string;
}

/** Which subject keys to read: by subject, or by key id. */
export interface SubjectKeyQuery {
  subjectIds?: readonly string[];
  keyIds?: readonly string[];
}

/** The key table and the holds of a store. */
export interface ComplianceStore {
  /** Keys (erased ones included, with `wrappedKey: null`) matching the query. */
  subjectKeys(query: SubjectKeyQuery): Promise<StoredSubjectKey[]>;
  /** Stores new keys (a key id already stored is left as it is). */
  addSubjectKeys(keys: readonly StoredSubjectKey[]): Promise<void>;
  /** Destroys every live key of a subject: the wrapped key is overwritten; returns their ids. */
  destroySubjectKeys(subjectId: string, erasedAt: string): Promise<string[]>;
  /** Every legal hold (expired ones too). */
  holds(): Promise<LegalHold[]>;
  addHold(hold: LegalHold): Promise<void>;
}

/** A store with a key table and holds. */
export interface StoreWithCompliance {
  compliance(): ComplianceStore;
}

/** The compliance part of a store; a clear error for a store without one. */
export function complianceOf(store: object & { name?: string }): ComplianceStore {
  const candidate = store as Partial<StoreWithCompliance>;
  if (typeof candidate.compliance !== 'function') {
    throw new Error(
      `audit store "${store.name ?? 'unknown'}" keeps no subject keys nor legal holds (the OTLP-logs store is write-only); ` +
        'give encryption a separate key store (encryption: { keyStore: new SqlAuditStore({ url }) }) and read, erase and prune with a SQL or JSONL store',
    );
  }
  return candidate.compliance();
}
