import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import type { CheckpointRef } from '../../integrity/stream-proofs';
import { CliError, EXIT, badInput } from '../cli-error';
import { runWithStore } from '../context';
import { readInputFile } from '../integrity-files';

interface ConsistencyOptions {
  stream?: string;
  output?: string;
}

export function consistencyCommand(): Command {
  return new Command('consistency')
    .description(
      'writes the proof that the newer signed checkpoint extends the older one (JSON), for verify-proof',
    )
    .argument('<old>', 'a file holding a signed checkpoint, or a tree size (with --stream)')
    .argument('[new]', 'the same for the newer one (default: the newest signed checkpoint)')
    .option('--stream <stream>', 'the stream, when OLD or NEW is a tree size')
    .option('-o, --output <file>', 'write the proof to this file instead of stdout')
    .action(
      async (
        older: string,
        newer: string | undefined,
        options: ConsistencyOptions,
        command: Command,
      ) => {
        const oldRef = await checkpointRef(older, options.stream);
        const newRef = newer === undefined ? undefined : await checkpointRef(newer, options.stream);
        return runWithStore(command, async ({ trail, out }) => {
          const proof = await trail.consistency(oldRef, newRef).catch((error: unknown) => {
            throw new CliError(
              error instanceof Error ? error.message : String(error),
              EXIT.failure,
            );
          });
          const text = `${JSON.stringify(proof, null, 2)}\n`;
          if (!options.output) return out.line(text.trimEnd());
          await writeFile(options.output, text);
          out.note(`wrote the consistency proof to ${options.output}`);
        });
      },
    );
}

async function checkpointRef(value: string, stream: string | undefined): Promise<CheckpointRef> {
  if (/^\d+$/.test(value)) {
    if (!stream) throw badInput(`tree size ${value} needs --stream to say which stream`);
    return { stream, size: Number(value) };
  }
  const text = await readInputFile(value, 'checkpoint file');
  // A proof file holds its checkpoint; a witness file is the note itself.
  if (text.trimStart().startsWith('{')) {
    const parsed = JSON.parse(text) as { checkpoint?: unknown; newCheckpoint?: unknown };
    const note = parsed.checkpoint ?? parsed.newCheckpoint;
    if (typeof note !== 'string') throw badInput(`"${value}" holds no signed checkpoint`);
    return note;
  }
  return text;
}
