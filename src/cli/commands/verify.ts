import { Command } from 'commander';
import { BundleStore, manifestFailure } from '../../integrity/bundle';
import { publicSigningKey } from '../../integrity/signing-keys';
import { AuditTrail } from '../../query/audit-trail';
import type { TrailVerifyOptions } from '../../query/audit-trail';
import type { VerifyResult } from '../../types';
import { CliError, EXIT, badInput } from '../cli-error';
import { runWithStore } from '../context';
import { requireRecords } from '../lookup';
import type { GlobalOptions } from '../context';
import { chainKeyFromEnv, readInputFile } from '../integrity-files';
import { Output } from '../output';
import { createProgress } from '../progress';

interface VerifyOptions {
  publicKey?: string;
  chainKeyEnv?: string;
  witness?: string[];
  bundle?: string;
}

export function verifyCommand(): Command {
  return new Command('verify')
    .description(
      'walks every hash chain (with the chain key, the signers public key, the witness when given); exits 1 with the first break',
    )
    .option(
      '--public-key <file>',
      'public.pem of the checkpoint signer: every checkpoint must be signed by it',
    )
    .option(
      '--chain-key-env <var>',
      'environment variable holding the chain key (e.g. AUDIT_CHAIN_KEY)',
    )
    .option(
      '--witness <url>',
      'compare with this witness (file:///dir, https://..., a store URL); repeatable',
      collect,
      [],
    )
    .option('--bundle <dir>', 'verify an exported bundle instead of a store (no --store needed)')
    .action(async (options: VerifyOptions, command: Command) => {
      const checks: TrailVerifyOptions = {
        chainKey: chainKeyFromEnv(options.chainKeyEnv),
        publicKey: options.publicKey ? await publicKeyFile(options.publicKey) : undefined,
        witness: options.witness?.length ? options.witness : undefined,
      };
      if (options.bundle) return verifyBundle(options.bundle, checks, command);
      return runWithStore(command, async ({ store, trail, out, progress: wanted }) => {
        await requireRecords(store);
        const progress = createProgress('verify', wanted);
        progress.start(await store.count());
        const result = await trail
          .verify({ ...checks, onProgress: ({ done }) => progress.update(done) })
          .finally(() => progress.stop());
        await report(result, out, 'chain');
      });
    });
}

async function verifyBundle(directory: string, checks: TrailVerifyOptions, command: Command) {
  const globals = command.optsWithGlobals<GlobalOptions>();
  const out = new Output(globals.json === true, globals.color !== false);
  let store: BundleStore;
  let tampered: string | undefined;
  try {
    tampered = await manifestFailure(directory);
    store = await BundleStore.open(directory);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/ENOENT/.test(message))
      throw badInput(
        `"${directory}" is not a bundle (${message}); write one with "export --bundle DIR"`,
      );
    throw new CliError(`BROKEN: ${message}`, EXIT.failure);
  }
  if (!checks.publicKey)
    out.note('no --public-key: the signatures of the checkpoints are not checked');
  const result = await new AuditTrail(store).verify(checks);
  if (tampered && result.ok) {
    result.ok = false;
    result.firstBreak = { stream: '', seq: 0, reason: `manifest: ${tampered}` };
  }
  await report(result, out, 'bundle');
}

async function report(result: VerifyResult, out: Output, what: 'chain' | 'bundle') {
  if (out.json) await out.jsonValue(result);
  const { firstBreak } = result;
  if (firstBreak) {
    const where = firstBreak.stream ? `stream ${firstBreak.stream} at seq ${firstBreak.seq}: ` : '';
    throw new CliError(
      `${what === 'bundle' ? 'BROKEN' : 'chain broken'}: ${where}${firstBreak.reason}`,
      EXIT.failure,
    );
  }
  for (const warning of result.warnings ?? []) out.note(`warning: ${warning}`);
  if (out.json) return;
  const streams = `${result.streams} stream${result.streams === 1 ? '' : 's'}`;
  const signed = result.checkpoints?.verified
    ? `, ${result.checkpoints.verified} signed checkpoints verified`
    : '';
  const witnessed = result.witness?.length
    ? `, matches ${result.witness.length} witness${result.witness.length === 1 ? '' : 'es'}`
    : '';
  const label = what === 'bundle' ? 'OK' : 'ok';
  await out.line(
    `${out.colors.green(label)}: ${result.records} records in ${streams}, every chain intact${result.keyed ? ' (keyed)' : ''}${signed}${witnessed}`,
  );
}

async function publicKeyFile(path: string): Promise<string> {
  const text = await readInputFile(path, 'public key file');
  try {
    publicSigningKey(text);
  } catch (error) {
    throw badInput((error as Error).message);
  }
  return text;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
