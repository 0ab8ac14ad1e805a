import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, randomUUID } from 'node:crypto';

/*
 * Crypto-shredding primitives (node:crypto only). Each data subject has a random 256-bit data
 * key; a personal value is AES-256-GCM encrypted with it under a random 96-bit IV, with
 * additional authenticated data binding the ciphertext to its event, side and field (so a
 * ciphertext copied to another record or field fails to decrypt). Data keys are wrapped by a
 * key-encryption key derived (HKDF-SHA-256) from the master key; the master key's id, derived
 * the same way, is kept with every wrapped key so a wrong master key is told, never used.
 *
 * A personal value as stored: "enc:v1:<keyId>:<base64url iv || tag || ciphertext>".
 */

/** The prefix of an encrypted personal value. */
export const ENCRYPTED_PREFIX = 'enc:v1:';
/** Shown in place of a personal value whose subject was erased. */
export const ERASED_VALUE = '[ERASED]';
/** Shown in place of a personal value read without the master key. */
export const ENCRYPTED_VALUE = '[ENCRYPTED]';

const SALT = Buffer.from('otel-sequelize-audit personal data');

/** A master key as configured: a string (any length) or bytes. */
export type MasterKeyInput = string | Buffer | Uint8Array;

/** The master key, ready for wrapping and unwrapping. */
export interface MasterKey {
  readonly id: string;
  readonly wrapKey: Buffer;
}

export function resolveMasterKey(input: MasterKeyInput): MasterKey {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input);
  if (bytes.length < 16) {
    throw new Error(
      `encryption master key is ${bytes.length} bytes; give at least 16 (32 random bytes are best, e.g. openssl rand -base64 32)`,
    );
  }
  const derive = (info: string, length: number) =>
    Buffer.from(hkdfSync('sha256', bytes, SALT, info, length));
  return { id: derive('master key id', 8).toString('hex'), wrapKey: derive('key wrapping', 32) };
}

/** A fresh subject data key and its id. */
export function newDataKey(): { keyId: string; key: Buffer } {
  return { keyId: randomUUID().replace(/-/g, ''), key: randomBytes(32) };
}

export function wrapDataKey(master: MasterKey, keyId: string, key: Buffer): string {
  return seal(master.wrapKey, key, Buffer.from(`subject key ${keyId}`)).toString('base64');
}

/** Thrown when a master key is not the one a key was wrapped with. */
export class WrongMasterKeyError extends Error {
  constructor(expected: string, given: string) {
    super(
      `encryption: the master key given (id ${given}) is not the one that wrapped the subject keys (id ${expected}); personal values stay unreadable. Give the right master key (keys are never guessed)`,
    );
    this.name = 'WrongMasterKeyError';
  }
}

export function unwrapDataKey(
  master: MasterKey,
  stored: { keyId: string; masterKeyId: string; wrappedKey: string },
): Buffer {
  if (stored.masterKeyId !== master.id)
    throw new WrongMasterKeyError(stored.masterKeyId, master.id);
  return open(
    master.wrapKey,
    Buffer.from(stored.wrappedKey, 'base64'),
    Buffer.from(`subject key ${stored.keyId}`),
  );
}

/** What a personal value is bound to (its additional authenticated data). */
export interface ValuePlace {
  eventId: string;
  side: 'before' | 'after';
  field: string;
}

function aadOf(place: ValuePlace): Buffer {
  return Buffer.from(JSON.stringify([place.eventId, place.side, place.field]));
}

/** Encrypts a value (any JSON value) for a record. */
export function encryptValue(
  keyId: string,
  key: Buffer,
  value: unknown,
  place: ValuePlace,
): string {
  const plain = Buffer.from(JSON.stringify(value ?? null), 'utf8');
  return `${ENCRYPTED_PREFIX}${keyId}:${seal(key, plain, aadOf(place)).toString('base64url')}`;
}

/** The key id of an encrypted value; undefined for any other value. */
export function keyIdOf(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value.startsWith(ENCRYPTED_PREFIX)) return undefined;
  const end = value.indexOf(':', ENCRYPTED_PREFIX.length);
  return end < 0 ? undefined : value.slice(ENCRYPTED_PREFIX.length, end);
}

/** Decrypts a value made by `encryptValue`; throws when it was altered or moved. */
export function decryptValue(value: string, key: Buffer, place: ValuePlace): unknown {
  const end = value.indexOf(':', ENCRYPTED_PREFIX.length);
  const sealed = Buffer.from(value.slice(end + 1), 'base64url');
  return JSON.parse(open(key, sealed, aadOf(place)).toString('utf8')) as unknown;
}

function seal(key: Buffer, plain: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

function open(key: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  if (sealed.length < 28) throw new Error('encrypted value is truncated');
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(12, 28));
  return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]);
}
