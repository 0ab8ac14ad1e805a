import { Command, Option } from 'commander';
import { badInput } from '../cli-error';
import { runWithStore } from '../context';
import { chainKeyFromEnv } from '../integrity-files';

interface EraseCliOptions {
  subject: string;
  reason?: string;
  actor?: string;
  chainKeyEnv?: string;
}

export function eraseCommand(): Command {
  return new Command('erase')
    .description(
      "erases a data subject: destroys the subject's keys after a chained erasure record; their personal values then read [ERASED] everywhere, and verify still passes",
    )
    .requiredOption('--subject <id>', 'the data subject (the id `audit.models.X.subject` gives)')
    .option('--reason <text>', 'why, e.g. the ticket of the erasure request')
    .option('--actor <id>', 'who erases (recorded on the erasure record)')
    .addOption(
      new Option(
        '--chain-key-env <var>',
        'environment variable holding the chain key, so the erasure record is HMAC-linked',
      ),
    )
    .action(async (options: EraseCliOptions, command: Command) =>
      runWithStore(
        command,
        async ({ trail, out }) => {
          const subject = options.subject.trim();
          if (subject === '') throw badInput('--subject: give the id of the data subject');
          const result = await trail.erase(subject, {
            reason: options.reason,
            actor: options.actor ? { id: options.actor } : undefined,
            chainKey: chainKeyFromEnv(options.chainKeyEnv),
          });
          const summary = {
            subject,
            keysDestroyed: result.keysDestroyed.length,
            records: result.records,
            clearRecords: result.clearRecords,
            erasure: {
              eventId: result.erasure.eventId,
              stream: result.erasure.stream,
              seq: result.erasure.seq,
            },
          };
          if (out.json) return out.jsonValue(summary);
          await out.line(
            `erased subject ${subject}: ${result.keysDestroyed.length} key(s) destroyed, ${result.records} record(s) now read [ERASED]; erasure record ${result.erasure.stream}#${result.erasure.seq} (${result.erasure.eventId})`,
          );
          if (result.clearRecords > 0) {
            await out.line(
              `warning: ${result.clearRecords} record(s) of subject ${subject} hold personal values in clear (written without encryption); erase cannot reach them`,
            );
          }
        },
        { access: 'write' },
      ),
    );
}
