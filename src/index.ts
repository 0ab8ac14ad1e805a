export { SequelizeAuditInstrumentation } from './instrumentation';
export type * from './types';
export type * from './store/audit-store';
export { isTransactionalStore } from './store/audit-store';
export { registerAuditReceiver } from './audit/receivers';
export { wasDeliveredDirectly } from './audit/receivers';
export type { AuditEventReceiver } from './audit/receivers';
export { withAuditContext, getAuditContext } from './audit/context';
export { auditMiddleware } from './audit/middleware';
export type { AuditContextResolver, AuditMiddleware } from './audit/middleware';
export { withoutAudit } from './audit/suppression';
export { auditSpanToEvent, attributesToEvent, eventToAttributes } from './audit/event-attributes';
export type { AuditSpanLike, AuditEventOrigin } from './audit/event-attributes';
export { DEFAULT_REDACTED_FIELDS } from './audit/redaction';
export { REDACTED_MARKER } from './semconv';
export { SqlAuditStore } from './store/sql/sql-audit-store';
export type { SqlAuditStoreOptions } from './store/sql/sql-audit-store';
export { JsonlAuditStore } from './store/jsonl/jsonl-audit-store';
export type { JsonlAuditStoreOptions } from './store/jsonl/jsonl-audit-store';
export { verifyChains } from './store/verify-chains';
export type { VerifyChainsOptions, VerifyProgress } from './store/verify-chains';
export { openAuditStore, createAuditStore } from './store/open-store';
export type { OpenAuditStoreOptions } from './store/open-store';
export { AuditStoreNotFoundError } from './store/store-mode';
export type { AuditStoreMode } from './store/store-mode';
export { AuditStoreDriverMissingError } from './store/sql/sql-connection';
export { AuditTrail } from './query/audit-trail';
export type { AuditTrailOptions } from './query/audit-trail';
export type { FollowOptions } from './query/follow';
export type * from './query/trail-types';
export { exportRecords } from './query/export-records';
export type { ExportOptions } from './query/export-records';
export type { ExportFormat } from './query/export-format';
export { OtlpLogAuditStore } from './store/otlp/otlp-log-audit-store';
export type { OtlpLogAuditStoreOptions, AuditLogResource } from './store/otlp/otlp-log-audit-store';
export { AuditSpanProcessor } from './processor/audit-span-processor';
export type {
  AuditSpanProcessorOptions,
  AuditDurability,
  AuditOverflowPolicy,
  AuditRetryOptions,
  AuditSpoolOptions,
} from './processor/processor-options';
export { generateSigningKeys } from './integrity/signing-keys';
export type { SigningKeys, KeyInput } from './integrity/signing-keys';
export { verifyInclusionProof, verifyConsistencyProof, verifyProof } from './integrity/proofs';
export type { InclusionProof, ConsistencyProof, ProofVerification } from './integrity/proofs';
export type { AuditIntegrityOptions } from './integrity/integrity-options';
export type { ChainKeyInput, ChainKeyProvider } from './integrity/chain-key';
export type { Witness } from './integrity/witness/witness';
export type { WitnessInput } from './integrity/witness/open-witness';
export type { CheckpointRef } from './integrity/stream-proofs';
export type { TrailVerifyOptions } from './query/audit-trail';
export type { AuditEncryptionOptions } from './processor/personal-encryption';
export { ERASED_VALUE, ENCRYPTED_VALUE, WrongMasterKeyError } from './store/keys/personal-cipher';
export type { MasterKeyInput } from './store/keys/personal-cipher';
export type { LegalHold, StoredSubjectKey } from './store/keys/subject-keys';
export type { TrailEncryptionOptions } from './query/personal-values';
export type { EraseOptions, EraseResult } from './query/erase-subject';
export { pruneByRetention } from './query/prune-by-retention';
export { parseRetentionDuration } from './query/retention';
export type {
  PruneByRetentionOptions,
  PruneByRetentionResult,
  RetentionPrunePlan,
  StreamPrunePlan,
} from './query/retention-prune';
