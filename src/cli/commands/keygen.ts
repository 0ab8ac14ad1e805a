import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Command } from 'commander';
import { generateSigningKeys, publicSigningKey, verifierKey } from '../../integrity/signing-keys';
import { CHECKPOINT_SIGNER } from '../../integrity/checkpoint-note';
import { badInput } from '../cli-error';
import type { GlobalOptions } from '../context';
import { Output } from '../output';

interface KeygenOptions {
  out: string;
}

/** Files `keygen` writes: the signing pair and a chain key. */
const FILES = { privateKey: 'private.pem', publicKey: 'public.pem', chainKey: 'chain.key' };

export function keygenCommand(): Command {
  return new Command('keygen')
    .description(
      'writes an Ed25519 signing key pair (private.pem, public.pem) and a random chain key (chain.key) into a directory',
    )
    .requiredOption('--out <dir>', 'directory to write the keys into (created when missing)')
    .action(async (options: KeygenOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const out = new Output(globals.json === true, globals.color !== false);
      const { publicKey, privateKey } = generateSigningKeys();
      const chainKey = randomBytes(32).toString('base64');
      await mkdir(options.out, { recursive: true });
      await writeNew(join(options.out, FILES.privateKey), privateKey, 0o600);
      await writeNew(join(options.out, FILES.chainKey), `${chainKey}\n`, 0o600);
      await writeNew(join(options.out, FILES.publicKey), publicKey, 0o644);
      const vkey = verifierKey(CHECKPOINT_SIGNER, publicSigningKey(publicKey));
      if (out.json) {
        return out.jsonValue({ directory: options.out, files: FILES, verifierKey: vkey });
      }
      await out.line(`wrote ${Object.values(FILES).join(', ')} to ${options.out}`);
      await out.line(`verifier key: ${vkey}`);
      out.note(
        `keep ${FILES.privateKey} and ${FILES.chainKey} away from the audit store (AUDIT_SIGNING_KEY_FILE, AUDIT_CHAIN_KEY); give ${FILES.publicKey} to auditors`,
      );
    });
}

async function writeNew(path: string, text: string, mode: number): Promise<void> {
  try {
    await writeFile(path, text, { flag: 'wx', mode });
    await chmod(path, mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw badInput(
        `"${path}" exists; keygen never overwrites a key: choose another --out directory`,
      );
    }
    throw error;
  }
}
