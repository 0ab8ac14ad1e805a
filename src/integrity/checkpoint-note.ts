import type { KeyObject } from 'node:crypto';
import { openNote, parseNote, signNote } from './signed-note';

/*
 * C2SP tlog-checkpoint: the body of a signed note with three lines, the origin (the log's
 * unique name), the tree size in decimal, and the base64 root hash.
 */

/** What a checkpoint says. */
export interface TreeHead {
  origin: string;
  size: number;
  root: Buffer;
}

/** The name under which this package signs checkpoints. */
export const CHECKPOINT_SIGNER = 'otel-sequelize-audit';

/** The origin line of a stream's log. */
export function streamOrigin(stream: string): string {
  return `otel-sequelize-audit/${stream.replace(/\s/g, '_')}`;
}

/** The signed checkpoint note of a tree head. */
export function signCheckpoint(head: TreeHead, key: KeyObject): string {
  return signNote(
    `${head.origin}\n${head.size}\n${head.root.toString('base64')}\n`,
    CHECKPOINT_SIGNER,
    key,
  );
}

/** The tree head of a checkpoint note, without checking a signature. */
export function readCheckpoint(note: string): TreeHead {
  return parseBody(parseNote(note).text);
}

/** The tree head of a checkpoint note whose signature by `key` holds; throws otherwise. */
export function openCheckpoint(note: string, key: KeyObject): TreeHead {
  return parseBody(openNote(note, key, CHECKPOINT_SIGNER));
}

function parseBody(text: string): TreeHead {
  const [origin, sizeLine, rootLine] = text.split('\n');
  const size = Number(sizeLine);
  const root = Buffer.from(rootLine ?? '', 'base64');
  if (!origin || !/^\d+$/.test(sizeLine ?? '') || !Number.isSafeInteger(size)) {
    throw new Error(`malformed checkpoint: "${text.split('\n').slice(0, 2).join(' / ')}"`);
  }
  if (root.length !== 32 || root.toString('base64') !== rootLine) {
    throw new Error(`malformed checkpoint: root hash "${rootLine}" is not 32 bytes of base64`);
  }
  return { origin, size, root };
}
