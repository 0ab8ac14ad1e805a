import { createHmac } from 'node:crypto';

/** A chain key as configured: the secret itself (text is taken as UTF-8), or with an id of its own. */
export type ChainKeyInput = string | Buffer | { keyId?: string; key: string | Buffer };

/**
 * Gives chain keys from a KMS or secret manager. Called without an id for the key to seal with
 * now (called again at each checkpoint, so a rotation takes effect), and with a record's key id
 * when verifying it. Return undefined for an id it does not know.
 *
 * @example
 * keyProvider: async (keyId) => ({ keyId: keyId ?? 'k2026', key: await kms.fetch(keyId ?? 'k2026') })
 */
export type ChainKeyProvider = (
  keyId?: string,
) => ChainKeyInput | undefined | Promise<ChainKeyInput | undefined>;

/** A resolved chain key. */
export interface ChainKey {
  keyId: string;
  key: Buffer;
}

const MIN_KEY_BYTES = 16;

/** The key and its id (derived from the key when not given: a hash, the key itself never shows). */
export function resolveChainKey(input: ChainKeyInput): ChainKey {
  const material = typeof input === 'string' || Buffer.isBuffer(input) ? { key: input } : input;
  const key = Buffer.isBuffer(material.key) ? material.key : Buffer.from(material.key, 'utf8');
  if (key.length < MIN_KEY_BYTES) {
    throw new Error(
      `chain key is ${key.length} bytes; use at least ${MIN_KEY_BYTES} random bytes, e.g. AUDIT_CHAIN_KEY=$(openssl rand -base64 32)`,
    );
  }
  const keyId = material.keyId ?? defaultKeyId(key);
  if (!/^[A-Za-z0-9._:-]{1,64}$/.test(keyId)) {
    throw new Error(`chain key id "${keyId}" must be 1-64 letters, digits or . _ : -`);
  }
  return { keyId, key };
}

function defaultKeyId(key: Buffer): string {
  return `hmac-${createHmac('sha256', key).update('otel-sequelize-audit key id').digest('hex').slice(0, 12)}`;
}

/**
 * The chain keys a verifier knows, by id: given ones and, for other ids, a provider.
 *
 * @example
 * const keys = new ChainKeyring([process.env.OLD_KEY, process.env.AUDIT_CHAIN_KEY]);
 */
export class ChainKeyring {
  private readonly keys = new Map<string, ChainKey>();

  constructor(
    inputs: ReadonlyArray<ChainKeyInput | undefined> = [],
    private readonly provider?: ChainKeyProvider,
  ) {
    for (const input of inputs) {
      if (input === undefined || input === '') continue;
      const key = resolveChainKey(input);
      this.keys.set(key.keyId, key);
    }
  }

  /** True when a key or a provider was given. */
  get configured(): boolean {
    return this.keys.size > 0 || this.provider !== undefined;
  }

  async get(keyId: string): Promise<ChainKey | undefined> {
    const known = this.keys.get(keyId);
    if (known || !this.provider) return known;
    const provided = await this.provider(keyId);
    if (provided === undefined) return undefined;
    const key = resolveChainKey(
      typeof provided === 'string' || Buffer.isBuffer(provided)
        ? { keyId, key: provided }
        : provided,
    );
    if (key.keyId !== keyId) return undefined;
    this.keys.set(keyId, key);
    return key;
  }
}
