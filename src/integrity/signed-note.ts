import { sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { noteKeyId } from './signing-keys';

/*
 * C2SP signed-note: a UTF-8 text whose every line ends in a newline, then a blank line, then
 * one line per signature: "— <name> <base64(4-byte key ID || signature)>". Ed25519 signs the
 * text (up to and including its last newline).
 */

const SIGNATURE_PREFIX = '\u2014 ';

/** A parsed signed note. */
export interface SignedNote {
  text: string;
  signatures: Array<{ name: string; keyId: Buffer; signature: Buffer }>;
}

/** `text` signed by `key` under `name`, as a signed note. */
export function signNote(text: string, name: string, key: KeyObject): string {
  checkText(text);
  checkName(name);
  const signature = sign(null, Buffer.from(text, 'utf8'), key);
  const encoded = Buffer.concat([noteKeyId(name, key), signature]).toString('base64');
  return `${text}\n${SIGNATURE_PREFIX}${name} ${encoded}\n`;
}

/** The text and signature lines of a note; throws on a malformed one. */
export function parseNote(note: string): SignedNote {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) {
    throw new Error('malformed signed note: no blank line before the signatures');
  }
  const text = note.slice(0, split + 1);
  const signatures = note
    .slice(split + 2, -1)
    .split('\n')
    .map((line) => {
      if (!line.startsWith(SIGNATURE_PREFIX)) {
        throw new Error(`malformed signed note: signature line "${line}" does not start with "— "`);
      }
      const [name, encoded, extra] = line.slice(SIGNATURE_PREFIX.length).split(' ');
      const bytes = Buffer.from(encoded ?? '', 'base64');
      if (!name || extra !== undefined || bytes.length < 5) {
        throw new Error(`malformed signed note: signature line "${line}"`);
      }
      return { name, keyId: bytes.subarray(0, 4), signature: bytes.subarray(4) };
    });
  return { text, signatures };
}

/**
 * The text of `note` when it carries a valid signature by `key` under `name` (any name when
 * none is given); throws with the reason otherwise.
 */
export function openNote(note: string, key: KeyObject, name?: string): string {
  const parsed = parseNote(note);
  const candidates = parsed.signatures.filter(
    (s) => (name === undefined || s.name === name) && s.keyId.equals(noteKeyId(s.name, key)),
  );
  if (candidates.length === 0) {
    throw new Error('signed note has no signature by this public key (another key signed it)');
  }
  const text = Buffer.from(parsed.text, 'utf8');
  if (!candidates.some((s) => verify(null, text, key, s.signature))) {
    throw new Error('signed note signature is not valid (the note was changed after signing)');
  }
  return parsed.text;
}

function checkText(text: string): void {
  if (!text.endsWith('\n') || text.includes('\n\n')) {
    throw new Error('a note text must end in a newline and have no blank line');
  }
}

function checkName(name: string): void {
  if (!name || /[\s+]/.test(name)) {
    throw new Error(`note signer name "${name}" must be non-empty, without spaces or "+"`);
  }
}
