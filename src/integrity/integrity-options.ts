import type { KeyObject } from 'node:crypto';
import type { ChainKey, ChainKeyInput, ChainKeyProvider } from './chain-key';
import { resolveChainKey } from './chain-key';
import type { KeyInput } from './signing-keys';
import { privateSigningKey } from './signing-keys';
import { openWitness } from './witness/open-witness';
import type { WitnessInput } from './witness/open-witness';
import type { Witness } from './witness/witness';

/**
 * Tamper evidence of the trail beyond the plain hash chain (`integrity` of
 * `AuditSpanProcessor`). See the README, "Tamper evidence", for what each part guarantees.
 *
 * @example
 * new AuditSpanProcessor({ store, integrity: {
 *   chainKey: process.env.AUDIT_CHAIN_KEY,
 *   signingKey: fs.readFileSync('/run/secrets/audit-signing.pem', 'utf8'),
 *   witness: 'file:///var/lib/audit-witness',
 *   checkpointEvery: 1000,
 * } });
 */
export interface AuditIntegrityOptions {
  /**
   * HMAC-SHA-256 key of the chain (text is taken as UTF-8; at least 16 bytes), or
   * `{ keyId, key }`. Every record names the id of its key, so keys can rotate.
   * @default none: the chain is plain SHA-256
   */
  chainKey?: ChainKeyInput;
  /** Gives the current chain key (called without an id) from a KMS; used instead of `chainKey`. */
  keyProvider?: ChainKeyProvider;
  /** Ed25519 private key (PEM) that signs checkpoints of each stream's Merkle tree. Never stored. @default none: checkpoints are unsigned */
  signingKey?: KeyInput;
  /** Where signed checkpoints are also published: `file:///dir`, `https://...`, an audit store URL, or a `Witness`. @default none */
  witness?: WitnessInput | WitnessInput[];
  /** A signed checkpoint after this many records (also on the checkpoint timer, flush and shutdown). @default the processor's `checkpointEveryRecords` */
  checkpointEvery?: number;
}

/** Integrity options with keys parsed and witnesses opened. */
export interface ResolvedIntegrity {
  chainKey?: ChainKey;
  keyProvider?: ChainKeyProvider;
  signingKey?: KeyObject;
  witnesses: Witness[];
}

/** Parses keys and opens witnesses; throws with what to do on a bad key or URL. */
export function resolveIntegrity(
  options: AuditIntegrityOptions | undefined,
): ResolvedIntegrity | undefined {
  if (!options) return undefined;
  const witnesses =
    options.witness === undefined
      ? []
      : (Array.isArray(options.witness) ? options.witness : [options.witness]).map(openWitness);
  return {
    chainKey:
      options.chainKey === undefined || options.chainKey === ''
        ? undefined
        : resolveChainKey(options.chainKey),
    keyProvider: options.keyProvider,
    signingKey:
      options.signingKey === undefined ? undefined : privateSigningKey(options.signingKey),
    witnesses,
  };
}
