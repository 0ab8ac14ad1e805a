import { createHash } from 'node:crypto';

/*
 * RFC 9162 (Certificate Transparency 2.0) Merkle tree hashing, section 2.1.1:
 *   leaf:  SHA-256(0x00 || data)      node: SHA-256(0x01 || left || right)
 * The tree over n leaves splits at k, the largest power of two smaller than n.
 */

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** SHA-256 of nothing: the root of an empty tree. */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

/** The hash of a leaf with these bytes (text is taken as UTF-8). */
export function leafHash(data: Buffer | string): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
}

/** The hash of an inner node. */
export function nodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** The largest power of two strictly smaller than `n` (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** True when `n` is 1, 2, 4, 8, ... */
export function isPowerOfTwo(n: number): boolean {
  return n > 0 && Number.isInteger(Math.log2(n));
}

/** The root of the tree over these leaf hashes, by the RFC's recursive definition. */
export function rootOfLeaves(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leaves[0];
  const k = splitPoint(leaves.length);
  return nodeHash(rootOfLeaves(leaves.slice(0, k)), rootOfLeaves(leaves.slice(k)));
}
