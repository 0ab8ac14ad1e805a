import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/** An Ed25519 key pair as PEM text (SPKI public key, PKCS#8 private key). */
export interface SigningKeys {
  publicKey: string;
  privateKey: string;
}

/**
 * A new Ed25519 key pair for signing checkpoints. Keep the private key out of the audit store
 * (a file only the writer reads, a secret manager); hand the public key to auditors.
 *
 * @example
 * const { publicKey, privateKey } = generateSigningKeys();
 * new AuditSpanProcessor({ store, integrity: { signingKey: privateKey } });
 */
export function generateSigningKeys(): SigningKeys {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/** A key as PEM text, DER bytes or a KeyObject. */
export type KeyInput = string | Buffer | KeyObject;

/** The Ed25519 private key in `input`; throws a clear error for anything else. */
export function privateSigningKey(input: KeyInput): KeyObject {
  const key = asKeyObject(input, 'private');
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(
      `signing key is a ${key.asymmetricKeyType ?? key.type} key; checkpoints are signed with Ed25519: create one with "otel-sequelize-audit keygen"`,
    );
  }
  return key;
}

/** The Ed25519 public key in `input` (a private key gives its public half). */
export function publicSigningKey(input: KeyInput): KeyObject {
  const key = asKeyObject(input, 'public');
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(
      `public key is a ${key.asymmetricKeyType ?? key.type} key; checkpoints are signed with Ed25519: pass the public.pem that "otel-sequelize-audit keygen" wrote`,
    );
  }
  return key;
}

/** The 32 raw bytes of an Ed25519 public key. */
export function rawPublicKey(key: KeyObject): Buffer {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return spki.subarray(spki.length - 32);
}

/**
 * The C2SP signed-note key ID of an Ed25519 key: the first 4 bytes of
 * SHA-256(name || 0x0A || 0x01 || public key).
 */
export function noteKeyId(name: string, key: KeyObject): Buffer {
  return createHash('sha256')
    .update(`${name}\n`)
    .update(Buffer.from([0x01]))
    .update(rawPublicKey(key))
    .digest()
    .subarray(0, 4);
}

/** The C2SP verifier key text `<name>+<hex key id>+<base64(0x01 || key)>`. */
export function verifierKey(name: string, key: KeyObject): string {
  const encoded = Buffer.concat([Buffer.from([0x01]), rawPublicKey(key)]).toString('base64');
  return `${name}+${noteKeyId(name, key).toString('hex')}+${encoded}`;
}

function asKeyObject(input: KeyInput, kind: 'private' | 'public'): KeyObject {
  if (typeof input !== 'string' && !Buffer.isBuffer(input)) {
    if (kind === 'public' && input.type === 'private') return createPublicKey(input);
    return input;
  }
  try {
    if (kind === 'private') return createPrivateKey(input);
    return createPublicKey(input);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(
      `${kind} key is not a PEM or DER ${kind === 'private' ? 'PKCS#8' : 'SPKI'} key (${message}); pass the ${kind}.pem that "otel-sequelize-audit keygen" wrote`,
    );
  }
}
