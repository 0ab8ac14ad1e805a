import type { CompactRange } from './compact-range';
import { EMPTY_ROOT, isPowerOfTwo, nodeHash, splitPoint } from './merkle-hash';

const HASH_BYTES = 32;

/** A growing array of 32-byte hashes in one buffer (a million leaves are 32 MB, not a million objects). */
class HashLevel {
  private buffer = Buffer.alloc(HASH_BYTES * 1024);
  length = 0;

  get(index: number): Buffer {
    return this.buffer.subarray(index * HASH_BYTES, (index + 1) * HASH_BYTES);
  }

  set(index: number, hash: Buffer): void {
    this.reserve(index + 1);
    hash.copy(this.buffer, index * HASH_BYTES);
    if (index >= this.length) this.length = index + 1;
  }

  private reserve(count: number): void {
    if (count * HASH_BYTES <= this.buffer.length) return;
    const grown = Buffer.alloc(Math.max(count * HASH_BYTES, this.buffer.length * 2));
    this.buffer.copy(grown, 0, 0, this.length * HASH_BYTES);
    this.buffer = grown;
  }
}

/**
 * An append-only Merkle tree (RFC 9162) that keeps every perfect subtree hash, so roots,
 * inclusion proofs (section 2.1.3) and consistency proofs (section 2.1.4) of any earlier size
 * take O(log² n) hash lookups. A tree whose first leaves were pruned starts from the compact
 * range of the pruned prefix: every proof about a retained leaf needs only those nodes.
 *
 * @example
 * const tree = new MerkleTree();
 * for (const leaf of leaves) tree.append(leaf);
 * const path = tree.inclusionProof(3, tree.size);
 */
export class MerkleTree {
  private readonly levels: HashLevel[] = [new HashLevel()];
  private leafCount = 0;
  /** `height:index` of the prefix's compact range nodes, the only pruned nodes known. */
  private readonly seeded = new Set<string>();
  /** Leaves below this index are not held (pruned); only the compact range covers them. */
  readonly firstLeaf: number;

  constructor(prefix?: CompactRange) {
    this.firstLeaf = prefix?.size ?? 0;
    if (!prefix) return;
    let start = 0;
    let height = Math.floor(Math.log2(Math.max(1, prefix.size)));
    for (const hash of prefix.hashes) {
      while (2 ** height > prefix.size - start) height -= 1;
      this.level(height).set(start / 2 ** height, hash);
      this.seeded.add(`${height}:${start / 2 ** height}`);
      start += 2 ** height;
    }
    this.leafCount = prefix.size;
  }

  get size(): number {
    return this.leafCount;
  }

  append(leaf: Buffer): void {
    let index = this.leafCount;
    this.levels[0].set(index, leaf);
    let hash = leaf;
    for (let height = 0; index % 2 === 1; height += 1) {
      hash = nodeHash(this.levels[height].get(index - 1), hash);
      index = (index - 1) / 2;
      this.level(height + 1).set(index, hash);
    }
    this.leafCount += 1;
  }

  /** The root of the tree of the first `size` leaves. */
  root(size = this.leafCount): Buffer {
    this.checkSize(size);
    return size === 0 ? EMPTY_ROOT : this.rangeHash(0, size);
  }

  /** The inclusion proof (audit path) of leaf `index` in the tree of `size` leaves. */
  inclusionProof(index: number, size = this.leafCount): Buffer[] {
    this.checkSize(size);
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
      throw new RangeError(`leaf index ${index} is outside a tree of ${size} leaves`);
    }
    const path: Buffer[] = [];
    this.path(index, 0, size, path);
    return path;
  }

  /** The consistency proof that the tree of `newSize` leaves extends the one of `oldSize`. */
  consistencyProof(oldSize: number, newSize = this.leafCount): Buffer[] {
    this.checkSize(newSize);
    if (!Number.isSafeInteger(oldSize) || oldSize < 1 || oldSize > newSize) {
      throw new RangeError(`old size ${oldSize} must be between 1 and the new size ${newSize}`);
    }
    const proof: Buffer[] = [];
    this.subproof(oldSize, 0, newSize, true, proof);
    return proof;
  }

  /** RFC 9162 PATH(m, D[start:end]), appended bottom-up. */
  private path(m: number, start: number, end: number, out: Buffer[]): void {
    const n = end - start;
    if (n === 1) return;
    const k = splitPoint(n);
    if (m < k) {
      this.path(m, start, start + k, out);
      out.push(this.rangeHash(start + k, end));
    } else {
      this.path(m - k, start + k, end, out);
      out.push(this.rangeHash(start, start + k));
    }
  }

  /** RFC 9162 SUBPROOF(m, D[start:end], b). */
  private subproof(m: number, start: number, end: number, complete: boolean, out: Buffer[]) {
    const n = end - start;
    if (m === n) {
      if (!complete) out.push(this.rangeHash(start, end));
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      this.subproof(m, start, start + k, complete, out);
      out.push(this.rangeHash(start + k, end));
    } else {
      this.subproof(m - k, start + k, end, false, out);
      out.push(this.rangeHash(start, start + k));
    }
  }

  /** MTH(D[start:end]); `start` is always aligned to the largest power of two below the width. */
  private rangeHash(start: number, end: number): Buffer {
    const n = end - start;
    const pruned = end <= this.firstLeaf;
    if (isPowerOfTwo(n) && start % n === 0) {
      const height = Math.log2(n);
      const level = this.levels[height];
      const index = start / n;
      const known = !pruned || this.seeded.has(`${height}:${index}`);
      if (known && level && index < level.length) return level.get(index);
    }
    if (n === 1 || pruned) {
      throw new Error(
        `leaves ${start}..${end - 1} were pruned; this proof needs them (ask for a size after the prune)`,
      );
    }
    const k = splitPoint(n);
    return nodeHash(this.rangeHash(start, start + k), this.rangeHash(start + k, end));
  }

  private level(height: number): HashLevel {
    while (this.levels.length <= height) this.levels.push(new HashLevel());
    return this.levels[height];
  }

  private checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.leafCount) {
      throw new RangeError(`tree size ${size} is not between 0 and ${this.leafCount}`);
    }
  }
}
