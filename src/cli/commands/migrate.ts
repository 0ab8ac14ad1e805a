import { Command } from 'commander';
import { runWithStore } from '../context';

export function migrateCommand(): Command {
  return new Command('migrate')
    .description('creates the audit table (or file) or upgrades it to this version; safe to repeat')
    .action(async (_options: object, command: Command) =>
      runWithStore(
        command,
        async ({ store, out }) => {
          await store.init();
          if (out.json) return out.jsonValue({ store: store.name, ready: true });
          await out.line(`audit store ${store.name} is ready`);
        },
        { create: true },
      ),
    );
}
