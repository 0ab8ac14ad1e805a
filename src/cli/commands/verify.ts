import { Command } from 'commander';
import { CliError, EXIT } from '../cli-error';
import { runWithStore } from '../context';
import { requireRecords } from '../lookup';
import { createProgress } from '../progress';

export function verifyCommand(): Command {
  return new Command('verify')
    .description('walks every hash chain; exits 1 with the first broken stream and seq')
    .action(async (_options: object, command: Command) =>
      runWithStore(command, async ({ store, trail, out, progress: wanted }) => {
        await requireRecords(store);
        const progress = createProgress('verify', wanted);
        progress.start(await store.count());
        const result = await trail
          .verify(({ done }) => progress.update(done))
          .finally(() => progress.stop());
        if (out.json) await out.jsonValue(result);
        const { firstBreak } = result;
        if (firstBreak) {
          throw new CliError(
            `chain broken: stream ${firstBreak.stream} at seq ${firstBreak.seq}: ${firstBreak.reason}`,
            EXIT.failure,
          );
        }
        if (!out.json) {
          await out.line(
            `${out.colors.green('ok')}: ${result.records} records in ${result.streams} stream${result.streams === 1 ? '' : 's'}, every chain intact`,
          );
        }
      }),
    );
}
