import type { MeterProvider } from '@opentelemetry/api';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { AuditStore } from '../store/audit-store';
import { defaultSpoolRoot } from './private-files';
import type { AuditIntegrityOptions, ResolvedIntegrity } from '../integrity/integrity-options';
import { resolveIntegrity } from '../integrity/integrity-options';
import type { AuditEncryptionOptions } from './personal-encryption';

/**
 * `batched`: records are queued and written in batches after the fact (at most the flush
 * interval of records can be lost to a SIGKILL). `transactional`: with a `SqlAuditStore` on
 * the application's own Sequelize, each transaction's records are inserted inside that
 * transaction (data and audit commit or roll back together) and sealed into the chain after.
 */
export type AuditDurability = 'batched' | 'transactional';

/**
 * When the in-memory queue is full and the spool has reached its limit (the store has been
 * down for long): `block` appends the record synchronously to the spool file (the caller
 * waits for a local disk write; the spool grows past its limit), `drop` drops it, counts it in
 * `audit.processor.records.dropped` and logs an error.
 */
export type AuditOverflowPolicy = 'block' | 'drop';

/** Retry of a failed store write. */
export interface AuditRetryOptions {
  /** Attempts of one batch before it is spooled. @default 3 */
  maxAttempts?: number;
  /** First backoff delay; doubled per attempt, with full jitter. @default 100 */
  initialDelayMs?: number;
  /** Longest backoff delay, also between replay attempts of the spool. @default 5000 */
  maxDelayMs?: number;
}

/** The local journal batches go to while the store is down, and the quarantine beside it. */
export interface AuditSpoolOptions {
  /**
   * Directory of the journal files (one per writer stream) and of the quarantine journals.
   * Made private (0700, files 0600). Put it on durable local disk (a volume in a container).
   * @default `AUDIT_SPOOL_DIR`, else `$XDG_STATE_HOME/otel-sequelize-audit/spool/<store name>`,
   * else `~/.local/state/otel-sequelize-audit/spool/<store name>`
   */
  directory?: string;
  /** Size of unreplayed journal, in bytes, beyond which batches stay queued in memory. @default 1073741824 (1 GiB) */
  maxBytes?: number;
}

/**
 * Options of `AuditSpanProcessor`.
 *
 * @example
 * new AuditSpanProcessor({ store: new SqlAuditStore({ sequelize }), flushIntervalMs: 500 })
 */
export interface AuditSpanProcessorOptions {
  /** Where records are persisted. */
  store: AuditStore;
  /** @default 'batched' */
  durability?: AuditDurability;
  /**
   * This writer's hash-chain stream. Keep it stable across restarts of one process identity
   * so the chain resumes (and, in transactional mode, unsealed rows of a crash are sealed).
   * @default `service.instance.id` from OTEL_RESOURCE_ATTRIBUTES, else `<hostname>-<pid>-<random>`
   */
  streamId?: string;
  /** Records per store write. @default 512 */
  maxBatchSize?: number;
  /** Longest time a record waits in the queue before it is written. @default 1000 */
  flushIntervalMs?: number;
  /** Records held in memory at most. @default 20000 */
  maxQueueSize?: number;
  /** @default 'block' */
  overflow?: AuditOverflowPolicy;
  /** @default { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 5000 } */
  retry?: AuditRetryOptions;
  /** @default { maxBytes: 1 GiB } in `~/.local/state/otel-sequelize-audit/spool/<store name>` */
  spool?: AuditSpoolOptions;
  /**
   * Deadline of every single store call (a write, a read of the chain head, a checkpoint): a
   * call that has not answered by then counts as failed, and its records are retried or spooled.
   * @default 10000
   */
  storeTimeoutMillis?: number;
  /**
   * Deadline of `shutdown()` and of `forceFlush()`: whatever the store does (a store that never
   * answers included), they end by then, with what they could not write in the spool.
   * @default 30000
   */
  shutdownTimeoutMillis?: number;
  /**
   * When the process ends by itself (`beforeExit`) or on SIGINT, SIGTERM or SIGHUP that the
   * application does not handle, write or spool every pending record first (within
   * `shutdownTimeoutMillis`), then let the process end as it would have (same exit code or signal).
   * @default true
   */
  flushOnExit?: boolean;
  /** A checkpoint of the chain head is written after this many records... @default 10000 */
  checkpointEveryRecords?: number;
  /** ...or this much time, whichever comes first, and on flush and shutdown. @default 60000 */
  checkpointIntervalMs?: number;
  /** Close the store on `shutdown()`. @default true */
  closeStoreOnShutdown?: boolean;
  /** Meter provider of the processor's own metrics. @default the global one */
  meterProvider?: MeterProvider;
  /** Keyed chain, signed checkpoints and witnesses (see the README, "Tamper evidence"). @default none */
  integrity?: AuditIntegrityOptions;
  /**
   * Encrypt personal fields (`audit.models.X.personal`) per data subject before records are
   * hashed, so `trail.erase(subjectId)` can erase them (see the README, "Compliance").
   * Not with `durability: 'transactional'`.
   * @default none: personal values are stored in clear (never on spans), and a warning says so
   * @example encryption: { masterKey: process.env.AUDIT_MASTER_KEY }
   */
  encryption?: AuditEncryptionOptions;
}

/** Options with every default applied. */
export interface ResolvedProcessorOptions {
  store: AuditStore;
  durability: AuditDurability;
  streamId: string;
  maxBatchSize: number;
  flushIntervalMs: number;
  maxQueueSize: number;
  overflow: AuditOverflowPolicy;
  retry: Required<AuditRetryOptions>;
  spoolDirectory: string;
  spoolMaxBytes: number;
  storeTimeoutMs: number;
  shutdownTimeoutMs: number;
  flushOnExit: boolean;
  checkpointEveryRecords: number;
  checkpointIntervalMs: number;
  closeStoreOnShutdown: boolean;
  meterProvider?: MeterProvider;
  integrity?: ResolvedIntegrity;
  encryption?: AuditEncryptionOptions;
}

export function resolveProcessorOptions(
  options: AuditSpanProcessorOptions,
): ResolvedProcessorOptions {
  if (!options?.store) {
    throw new Error(
      'AuditSpanProcessor: `store` is required, e.g. new SqlAuditStore({ sequelize })',
    );
  }
  if (options.encryption && options.durability === 'transactional') {
    throw new Error(
      "AuditSpanProcessor: `encryption` does not work with durability 'transactional' (rows are written inside the application's transaction before their values can be encrypted); use durability 'batched'",
    );
  }
  const positive = (value: number | undefined, fallback: number) =>
    value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
  return {
    store: options.store,
    durability: options.durability ?? 'batched',
    streamId: options.streamId ?? defaultStreamId(),
    maxBatchSize: Math.floor(positive(options.maxBatchSize, 512)),
    flushIntervalMs: positive(options.flushIntervalMs, 1000),
    maxQueueSize: Math.floor(positive(options.maxQueueSize, 20_000)),
    overflow: options.overflow ?? 'block',
    retry: {
      maxAttempts: Math.floor(positive(options.retry?.maxAttempts, 3)),
      initialDelayMs: positive(options.retry?.initialDelayMs, 100),
      maxDelayMs: positive(options.retry?.maxDelayMs, 5000),
    },
    spoolDirectory: spoolDirectoryOf(options),
    spoolMaxBytes: positive(options.spool?.maxBytes, 1024 * 1024 * 1024),
    storeTimeoutMs: positive(options.storeTimeoutMillis, 10_000),
    shutdownTimeoutMs: positive(options.shutdownTimeoutMillis, 30_000),
    flushOnExit: options.flushOnExit ?? true,
    checkpointEveryRecords: Math.floor(
      positive(options.integrity?.checkpointEvery ?? options.checkpointEveryRecords, 10_000),
    ),
    checkpointIntervalMs: positive(options.checkpointIntervalMs, 60_000),
    closeStoreOnShutdown: options.closeStoreOnShutdown ?? true,
    meterProvider: options.meterProvider,
    integrity: resolveIntegrity(options.integrity),
    encryption: options.encryption,
  };
}

/** The option, else `AUDIT_SPOOL_DIR`, else a directory per store under the default root. */
export function spoolDirectoryOf(
  options: AuditSpanProcessorOptions,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (options.spool?.directory) return resolve(options.spool.directory);
  if (env.AUDIT_SPOOL_DIR) return resolve(env.AUDIT_SPOOL_DIR);
  return join(defaultSpoolRoot(env), safeFileName(options.store.name));
}

/** `service.instance.id` from OTEL_RESOURCE_ATTRIBUTES, else host, pid and a random part. */
export function defaultStreamId(env: NodeJS.ProcessEnv = process.env): string {
  for (const pair of (env.OTEL_RESOURCE_ATTRIBUTES ?? '').split(',')) {
    const [key, value] = pair.split('=', 2).map((part) => part?.trim());
    if (key === 'service.instance.id' && value) return decodeURIComponent(value);
  }
  return `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
}

export function safeFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100);
}
