import { Command } from 'commander';
import { verifyProof } from '../../integrity/proofs';
import { publicSigningKey } from '../../integrity/signing-keys';
import { CliError, EXIT, badInput } from '../cli-error';
import type { GlobalOptions } from '../context';
import { parseJsonFile, readInputFile } from '../integrity-files';
import { Output } from '../output';

interface VerifyProofOptions {
  publicKey: string;
}

export function verifyProofCommand(): Command {
  return new Command('verify-proof')
    .description(
      'checks an inclusion or consistency proof offline with the public key; exits 1 when it does not hold',
    )
    .argument('<file>', 'a proof written by prove or consistency')
    .requiredOption('--public-key <file>', 'the public.pem of the checkpoint signer')
    .action(async (file: string, options: VerifyProofOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const out = new Output(globals.json === true, globals.color !== false);
      const keyText = await readInputFile(options.publicKey, 'public key file');
      try {
        publicSigningKey(keyText);
      } catch (error) {
        throw badInput((error as Error).message);
      }
      const proof = parseJsonFile(await readInputFile(file, 'proof file'), file);
      const result = verifyProof(proof, keyText);
      if (out.json) await out.jsonValue(result);
      if (!result.ok) throw new CliError(`BROKEN: ${result.reason}`, EXIT.failure);
      if (!out.json) {
        await out.line(
          `${out.colors.green('OK')}: the proof holds against the signed checkpoint of ${result.treeSize} records`,
        );
      }
    });
}
