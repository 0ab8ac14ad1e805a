import type { AuditRecord } from '../types';
import { recordLeaf } from '../store/chain-hash';
import { openCheckpoint, streamOrigin } from './checkpoint-note';
import type { TreeHead } from './checkpoint-note';
import { consistencyFailure, inclusionFailure } from './merkle-verify';
import { publicSigningKey } from './signing-keys';
import type { KeyInput } from './signing-keys';

/**
 * That one record is in its stream's log: the record, its place, the audit path, and the
 * signed checkpoint whose root the path leads to. JSON as it is; verify it with
 * `verifyInclusionProof` or `otel-sequelize-audit verify-proof`, with the public key only.
 */
export interface InclusionProof {
  type: 'otel-sequelize-audit/inclusion-proof';
  version: 1;
  record: AuditRecord;
  /** seq - 1 */
  leafIndex: number;
  treeSize: number;
  /** Sibling hashes, bottom-up, base64. */
  path: string[];
  /** The signed checkpoint (C2SP tlog-checkpoint signed note). */
  checkpoint: string;
}

/** That the newer signed checkpoint of a stream extends the older one (nothing rewritten). */
export interface ConsistencyProof {
  type: 'otel-sequelize-audit/consistency-proof';
  version: 1;
  stream: string;
  oldCheckpoint: string;
  newCheckpoint: string;
  /** RFC 9162 consistency path, base64. */
  path: string[];
}

/** The outcome of verifying a proof. */
export interface ProofVerification {
  ok: boolean;
  /** Why it does not hold. */
  reason?: string;
  /** The checkpoint(s) it was checked against. */
  treeSize?: number;
}

/**
 * Checks an inclusion proof offline: the checkpoint's signature by `publicKey`, that it is
 * the checkpoint of the record's stream, the record's leaf hash, and the audit path.
 *
 * @example
 * const proof = await trail.prove(eventId);
 * verifyInclusionProof(JSON.parse(JSON.stringify(proof)), publicKeyPem); // { ok: true, treeSize }
 */
export function verifyInclusionProof(
  proof: InclusionProof,
  publicKey: KeyInput,
): ProofVerification {
  return guarded(() => {
    if (proof?.type !== 'otel-sequelize-audit/inclusion-proof' || !proof.record) {
      return fail('not an inclusion proof of otel-sequelize-audit');
    }
    const head = openCheckpoint(proof.checkpoint, publicSigningKey(publicKey));
    const wrongHead = headMismatch(head, proof.record.stream, proof.treeSize);
    if (wrongHead) return fail(wrongHead);
    if (proof.leafIndex !== proof.record.seq - 1) {
      return fail(`leaf index ${proof.leafIndex} is not the place of seq ${proof.record.seq}`);
    }
    const failure = inclusionFailure(
      proof.leafIndex,
      head.size,
      recordLeaf(proof.record),
      decodePath(proof.path),
      head.root,
    );
    return failure ? fail(`record not in the log: ${failure}`) : { ok: true, treeSize: head.size };
  });
}

/** Checks a consistency proof offline with the public key. */
export function verifyConsistencyProof(
  proof: ConsistencyProof,
  publicKey: KeyInput,
): ProofVerification {
  return guarded(() => {
    if (proof?.type !== 'otel-sequelize-audit/consistency-proof') {
      return fail('not a consistency proof of otel-sequelize-audit');
    }
    const key = publicSigningKey(publicKey);
    const older = openCheckpoint(proof.oldCheckpoint, key);
    const newer = openCheckpoint(proof.newCheckpoint, key);
    const wrongHead =
      headMismatch(older, proof.stream, older.size) ??
      headMismatch(newer, proof.stream, newer.size);
    if (wrongHead) return fail(wrongHead);
    const failure = consistencyFailure(
      older.size,
      newer.size,
      older.root,
      newer.root,
      decodePath(proof.path),
    );
    return failure ? fail(`not consistent: ${failure}`) : { ok: true, treeSize: newer.size };
  });
}

/** Verifies either kind of proof (as `verify-proof` reads them from a file). */
export function verifyProof(proof: unknown, publicKey: KeyInput): ProofVerification {
  const type = (proof as { type?: unknown } | null)?.type;
  if (type === 'otel-sequelize-audit/consistency-proof') {
    return verifyConsistencyProof(proof as ConsistencyProof, publicKey);
  }
  return verifyInclusionProof(proof as InclusionProof, publicKey);
}

function headMismatch(head: TreeHead, stream: string, size: number): string | undefined {
  if (head.origin !== streamOrigin(stream)) {
    return `checkpoint is of "${head.origin}", not of stream "${stream}"`;
  }
  if (head.size !== size) return `checkpoint has tree size ${head.size}, the proof says ${size}`;
  return undefined;
}

function decodePath(path: readonly string[]): Buffer[] {
  if (!Array.isArray(path)) throw new Error('proof path is not a list of hashes');
  return path.map((hash) => {
    const bytes = Buffer.from(String(hash), 'base64');
    if (bytes.length !== 32) throw new Error(`proof path hash "${hash}" is not 32 bytes of base64`);
    return bytes;
  });
}

function fail(reason: string): ProofVerification {
  return { ok: false, reason };
}

function guarded(check: () => ProofVerification): ProofVerification {
  try {
    return check();
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
}
