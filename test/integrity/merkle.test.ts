import assert from 'node:assert/strict';
import { CompactRange } from '../../src/integrity/compact-range';
import { EMPTY_ROOT, leafHash, rootOfLeaves } from '../../src/integrity/merkle-hash';
import { MerkleTree } from '../../src/integrity/merkle-tree';
import { consistencyFailure, inclusionFailure } from '../../src/integrity/merkle-verify';

/*
 * Known answers for the reference tree of Certificate Transparency (RFC 6962 / RFC 9162
 * hashing): eight leaf inputs, the root of every size, and inclusion and consistency proofs,
 * as the transparency-dev/merkle project publishes them.
 */
const LEAF_INPUTS = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((hex) => Buffer.from(hex, 'hex'));
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const INCLUSION: Array<{ index: number; size: number; path: string[] }> = [
  { index: 0, size: 1, path: [] },
  { index: 0, size: 2, path: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7'] },
  { index: 1, size: 2, path: ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d'] },
  { index: 2, size: 3, path: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    index: 1,
    size: 5,
    path: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    index: 0,
    size: 8,
    path: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    path: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];
const CONSISTENCY: Array<{ from: number; to: number; proof: string[] }> = [
  { from: 1, to: 1, proof: [] },
  {
    from: 1,
    to: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    from: 2,
    to: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    from: 6,
    to: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

const hex = (hashes: readonly Buffer[]) => hashes.map((h) => h.toString('hex'));
const leaves = LEAF_INPUTS.map((input) => leafHash(input));
const root = (size: number) => Buffer.from(ROOTS[size], 'hex');

function fullTree(count = leaves.length): MerkleTree {
  const tree = new MerkleTree();
  for (const leaf of leaves.slice(0, count)) tree.append(leaf);
  return tree;
}

describe('RFC 9162 Merkle tree', () => {
  it('gives the reference root hash of every tree size from 0 to 8', () => {
    const tree = fullTree();
    for (let size = 0; size <= 8; size += 1) {
      assert.equal(tree.root(size).toString('hex'), ROOTS[size], `size ${size}`);
      assert.equal(rootOfLeaves(leaves.slice(0, size)).toString('hex'), ROOTS[size]);
    }
    assert.equal(EMPTY_ROOT.toString('hex'), ROOTS[0]);
  });

  it('builds the reference inclusion proofs and verifies them', () => {
    const tree = fullTree();
    for (const { index, size, path } of INCLUSION) {
      assert.deepEqual(hex(tree.inclusionProof(index, size)), path, `${index} in ${size}`);
      const proof = path.map((h) => Buffer.from(h, 'hex'));
      assert.equal(inclusionFailure(index, size, leaves[index], proof, root(size)), undefined);
    }
  });

  it('builds the reference consistency proofs and verifies them', () => {
    const tree = fullTree();
    for (const { from, to, proof } of CONSISTENCY) {
      assert.deepEqual(hex(tree.consistencyProof(from, to)), proof, `${from} to ${to}`);
      const hashes = proof.map((h) => Buffer.from(h, 'hex'));
      assert.equal(consistencyFailure(from, to, root(from), root(to), hashes), undefined);
    }
  });

  it('verifies every inclusion proof of the 8-leaf tree and rejects each one altered', () => {
    const tree = fullTree();
    for (let size = 1; size <= 8; size += 1) {
      for (let index = 0; index < size; index += 1) {
        const path = tree.inclusionProof(index, size);
        assert.equal(inclusionFailure(index, size, leaves[index], path, root(size)), undefined);
        assert.ok(inclusionFailure(index, size, leaves[(index + 1) % 8], path, root(size)));
        if (path.length > 0) {
          assert.ok(inclusionFailure(index, size, leaves[index], path.slice(1), root(size)));
          const flipped = path.map((h, i) => (i === 0 ? Buffer.from(h.map((b) => b ^ 1)) : h));
          assert.ok(inclusionFailure(index, size, leaves[index], flipped, root(size)));
        }
      }
    }
  });

  it('verifies every consistency proof of the 8-leaf tree and rejects a wrong root', () => {
    const tree = fullTree();
    for (let to = 1; to <= 8; to += 1) {
      for (let from = 1; from <= to; from += 1) {
        const proof = tree.consistencyProof(from, to);
        assert.equal(consistencyFailure(from, to, root(from), root(to), proof), undefined);
        if (from < to) {
          assert.ok(consistencyFailure(from, to, root(from), root(to - 1), proof));
          assert.ok(consistencyFailure(from, to, root(to), root(to), proof));
        }
      }
    }
  });

  it('reports a fork: two different roots for one size', () => {
    assert.match(consistencyFailure(3, 3, root(3), root(4), []) ?? '', /fork/);
  });

  it('keeps a compact range whose nodes and root match the reference tree at every size', () => {
    const range = CompactRange.empty();
    const tree = fullTree();
    for (let size = 1; size <= 8; size += 1) {
      range.append(leaves[size - 1]);
      assert.equal(range.size, size);
      assert.equal(range.root().toString('hex'), ROOTS[size]);
    }
    assert.deepEqual(hex(range.hashes), [ROOTS[8]]);
    assert.deepEqual(hex(tree.inclusionProof(7, 8)).length, 3);
  });

  it('rejects a compact range whose node count does not fit its size', () => {
    assert.throws(() => CompactRange.from(3, [leaves[0]]), /must have 2 node hashes/);
  });

  it('proves retained leaves of a tree whose first leaves were pruned, as the full tree would', () => {
    const many = Array.from({ length: 37 }, (_, i) => leafHash(`leaf ${i}`));
    const full = new MerkleTree();
    for (const leaf of many) full.append(leaf);
    for (const cut of [1, 5, 8, 13, 32]) {
      const prefix = CompactRange.empty();
      for (const leaf of many.slice(0, cut)) prefix.append(leaf);
      const pruned = new MerkleTree(prefix);
      for (const leaf of many.slice(cut)) pruned.append(leaf);
      assert.deepEqual(pruned.root(), full.root(), `cut ${cut}`);
      for (let index = cut; index < many.length; index += 3) {
        assert.deepEqual(hex(pruned.inclusionProof(index)), hex(full.inclusionProof(index)));
      }
      assert.deepEqual(hex(pruned.consistencyProof(cut)), hex(full.consistencyProof(cut)));
      if (cut > 1) assert.throws(() => pruned.inclusionProof(0), /pruned/);
    }
  });
});
