import { EMPTY_ROOT, nodeHash } from './merkle-hash';

/**
 * The compact range of a tree of `size` leaves: the roots of its perfect subtrees, one per set
 * bit of `size`, left (largest) to right. Enough to append leaves and compute every later root
 * without the leaves themselves, which is what the sealer keeps in memory and what a prune
 * checkpoint keeps of the removed records.
 */
export class CompactRange {
  private constructor(
    private treeSize: number,
    private readonly nodes: Buffer[],
  ) {}

  static empty(): CompactRange {
    return new CompactRange(0, []);
  }

  /** A range from its size and node hashes (as `toJSON` gives them); throws when they disagree. */
  static from(size: number, nodes: readonly Buffer[]): CompactRange {
    if (!Number.isSafeInteger(size) || size < 0 || popCount(size) !== nodes.length) {
      throw new Error(
        `compact range of size ${size} must have ${Number.isSafeInteger(size) && size >= 0 ? popCount(size) : '?'} node hashes, got ${nodes.length}`,
      );
    }
    return new CompactRange(size, [...nodes]);
  }

  get size(): number {
    return this.treeSize;
  }

  /** The node hashes, left to right. */
  get hashes(): readonly Buffer[] {
    return this.nodes;
  }

  append(leaf: Buffer): void {
    this.nodes.push(leaf);
    for (let s = this.treeSize; s % 2 === 1; s = Math.floor(s / 2)) {
      const right = this.nodes.pop() as Buffer;
      const left = this.nodes.pop() as Buffer;
      this.nodes.push(nodeHash(left, right));
    }
    this.treeSize += 1;
  }

  root(): Buffer {
    if (this.nodes.length === 0) return EMPTY_ROOT;
    let root = this.nodes[this.nodes.length - 1];
    for (let i = this.nodes.length - 2; i >= 0; i -= 1) root = nodeHash(this.nodes[i], root);
    return root;
  }

  clone(): CompactRange {
    return new CompactRange(this.treeSize, [...this.nodes]);
  }
}

function popCount(n: number): number {
  let count = 0;
  for (let s = n; s > 0; s = Math.floor(s / 2)) count += s % 2;
  return count;
}
