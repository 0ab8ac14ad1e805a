import { nodeHash } from './merkle-hash';

/*
 * Offline verification of Merkle proofs, as RFC 9162 sections 2.1.3.2 and 2.1.4.2 describe it.
 * Each function returns the reason of a failure, or undefined when the proof holds.
 */

const isOdd = (n: number) => n % 2 === 1;
const half = (n: number) => Math.floor(n / 2);

/** Why the inclusion proof of `leaf` at `index` in a tree of `size` leaves with `root` fails, if it does. */
export function inclusionFailure(
  index: number,
  size: number,
  leaf: Buffer,
  path: readonly Buffer[],
  root: Buffer,
): string | undefined {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    return `leaf index ${index} is outside a tree of ${size} leaves`;
  }
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return 'the inclusion path is longer than the tree is deep';
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return 'the inclusion path is shorter than the tree is deep';
  if (!r.equals(root)) return 'the inclusion path does not lead to the root hash';
  return undefined;
}

/** Why the proof that the tree of `newSize` (root `newRoot`) extends `oldSize` (`oldRoot`) fails, if it does. */
export function consistencyFailure(
  oldSize: number,
  newSize: number,
  oldRoot: Buffer,
  newRoot: Buffer,
  proof: readonly Buffer[],
): string | undefined {
  if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize) || oldSize > newSize) {
    return `old size ${oldSize} is larger than the new size ${newSize}`;
  }
  if (oldSize === newSize) {
    if (proof.length > 0) return 'a proof between equal sizes must be empty';
    return oldRoot.equals(newRoot) ? undefined : 'two roots of the same size differ (a fork)';
  }
  if (oldSize === 0) return proof.length === 0 ? undefined : 'a proof from size 0 must be empty';
  if (proof.length === 0) return 'the consistency proof is empty';
  const path = Number.isInteger(Math.log2(oldSize)) ? [oldRoot, ...proof] : [...proof];
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return 'the consistency proof is longer than needed';
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return 'the consistency proof is shorter than needed';
  if (!fr.equals(oldRoot)) return 'the consistency proof does not lead to the old root';
  if (!sr.equals(newRoot)) return 'the consistency proof does not lead to the new root';
  return undefined;
}
