import * as crypto from 'node:crypto';

/*
 * RFC 9162 (Certificate Transparency 2.0) Merkle tree hashing, section 2.1.1:
 *   leaf:  SHA-256(0x00 || data)      node: SHA-256(0x01 || left || right)
 * The tree over n leaves splits at k, the largest power of two smaller than n.
 */

/** SHA-256 of bytes or UTF-8 text: the one-shot `crypto.hash` where Node has it (20.12+). */
const sha256: (data: Buffer | string) => Buffer =
  typeof crypto.hash === 'function'
    ? (data) => crypto.hash('sha256', data, 'buffer')
    : (data) => crypto.createHash('sha256').update(data).digest();

/** SHA-256 of nothing: the root of an empty tree. */
export const EMPTY_ROOT: Buffer = sha256(Buffer.alloc(0));

/** The hash of a leaf with these bytes (text is taken as UTF-8). */
export function leafHash(data: Buffer | string): Buffer {
  // "\0" + text is the 0x00 prefix byte followed by the text's UTF-8 bytes.
  return typeof data === 'string'
    ? sha256(`\0${data}`)
    : sha256(Buffer.concat([Buffer.from([0x00]), data]));
}

const nodeInput = Buffer.alloc(65);
nodeInput[0] = 0x01;

/** The hash of an inner node. */
export function nodeHash(left: Buffer, right: Buffer): Buffer {
  left.copy(nodeInput, 1);
  right.copy(nodeInput, 33);
  return sha256(nodeInput);
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
