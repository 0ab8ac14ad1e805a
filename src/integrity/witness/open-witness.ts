import { openAuditStore } from '../../store/open-store';
import { DirectoryWitness } from './directory-witness';
import { HttpWitness } from './http-witness';
import { StoreWitness } from './store-witness';
import type { Witness } from './witness';

/** A witness, or where one is: `file:///dir`, `http(s)://...`, or an audit store URL. */
export type WitnessInput = string | Witness;

/**
 * The witness a URL names: `file:` a directory, `http:`/`https:` an endpoint accepting signed
 * notes, anything else a second audit store (`sqlite:`, `postgres://`, `mariadb://`, `jsonl:`).
 */
export function openWitness(input: WitnessInput): Witness {
  if (typeof input !== 'string') return input;
  if (/^file:/i.test(input)) return new DirectoryWitness(input);
  if (/^https?:/i.test(input)) return new HttpWitness(input);
  if (!/^[a-z][a-z0-9+.-]*:/i.test(input)) {
    throw new Error(
      `witness "${input}" is not a URL; use file:///dir, https://..., or an audit store URL such as postgres://...`,
    );
  }
  return new StoreWitness(redact(input), () => openAuditStore(input));
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
