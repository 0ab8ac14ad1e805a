import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { CliError, EXIT } from '../cli-error';
import { runWithStore } from '../context';

interface ProveOptions {
  output?: string;
}

export function proveCommand(): Command {
  return new Command('prove')
    .description(
      "writes the inclusion proof of one record against its stream's newest signed checkpoint (JSON), for verify-proof",
    )
    .argument('<event-id>', 'the audit.event.id of the record')
    .option('-o, --output <file>', 'write the proof to this file instead of stdout')
    .action(async (eventId: string, options: ProveOptions, command: Command) =>
      runWithStore(command, async ({ trail, out }) => {
        const proof = await trail.prove(eventId).catch((error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          throw new CliError(
            message,
            /no audit record/.test(message) ? EXIT.badInput : EXIT.failure,
          );
        });
        const text = `${JSON.stringify(proof, null, 2)}\n`;
        if (!options.output) return out.line(text.trimEnd());
        await writeFile(options.output, text);
        out.note(
          `wrote the proof of ${eventId} (seq ${proof.record.seq} of ${proof.record.stream}, tree of ${proof.treeSize}) to ${options.output}`,
        );
      }),
    );
}
