import { Command, CommanderError, Option } from 'commander';
import { PACKAGE_VERSION } from '../version';
import { CliError, EXIT } from './cli-error';
import { changesCommand } from './commands/changes';
import { consistencyCommand } from './commands/consistency';
import { diffCommand } from './commands/diff';
import { eraseCommand } from './commands/erase';
import { exportCommand } from './commands/export';
import { holdCommand } from './commands/hold';
import { historyCommand } from './commands/history';
import { keygenCommand } from './commands/keygen';
import { migrateCommand } from './commands/migrate';
import { proveCommand } from './commands/prove';
import { pruneCommand } from './commands/prune';
import { quarantineCommand } from './commands/quarantine';
import { revertCommand } from './commands/revert';
import { serveCommand } from './commands/serve';
import { showCommand } from './commands/show';
import { tailCommand } from './commands/tail';
import { verifyCommand } from './commands/verify';
import { verifyProofCommand } from './commands/verify-proof';
import { whoChangedCommand } from './commands/who-changed';

export const PROGRAM_NAME = 'otel-sequelize-audit';

/** The command-line tool, without touching the process (testable, embeddable). */
export function createProgram(): Command {
  const program = new Command(PROGRAM_NAME)
    .description('Read, verify and maintain the audit trail kept by otel-sequelize-audit.')
    .version(PACKAGE_VERSION)
    .addOption(
      new Option(
        '--store <url>',
        'sqlite:audit.db, postgres://..., mariadb://..., mysql://..., jsonl:path',
      ).env('AUDIT_STORE_URL'),
    )
    .option('--json', 'machine-readable output')
    .addOption(
      new Option(
        '--trace-url <template>',
        "link each record to its trace, e.g. 'http://jaeger:16686/trace/{traceId}'",
      ).env('AUDIT_TRACE_URL'),
    )
    .option('--no-color', 'plain text without colors')
    .option('--progress', 'show progress bars even when stderr is not a terminal')
    .option('--no-progress', 'never show progress bars');
  configureErrors(program);
  const commands = [
    historyCommand(),
    showCommand(),
    diffCommand(),
    changesCommand(),
    whoChangedCommand(),
    revertCommand(),
    verifyCommand(),
    exportCommand(),
    tailCommand(),
    pruneCommand(),
    eraseCommand(),
    holdCommand(),
    migrateCommand(),
    quarantineCommand(),
    keygenCommand(),
    proveCommand(),
    verifyProofCommand(),
    consistencyCommand(),
    serveCommand(),
  ];
  for (const command of commands) program.addCommand(configureErrors(command));
  return program;
}

/**
 * Usage errors as one line in our own voice; exits are reported to `run`, not taken. Each
 * command's `--help` also lists the options every command takes (`--store` first of all).
 */
function configureErrors(command: Command): Command {
  for (const sub of command.commands) configureErrors(sub);
  return command
    .exitOverride()
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({
      outputError: (text, write) => write(`${PROGRAM_NAME}: ${oneLine(text)}\n`),
    });
}

/** Commander's message on one line: `error: unknown command 'x'\n(Did you mean y?)`. */
function oneLine(text: string): string {
  return text
    .replace(/^error: /, '')
    .trim()
    .split(/\s*\n\s*/)
    .join(' ');
}

/** Runs the tool on `argv` (as `process.argv`) and returns its exit code. */
export async function run(argv: readonly string[]): Promise<number> {
  try {
    await createProgram().parseAsync([...argv]);
    return EXIT.ok;
  } catch (error) {
    return reportFailure(error);
  }
}

function reportFailure(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander has printed its own one-line message (or the help / version).
    return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
  }
  if (error instanceof CliError) {
    process.stderr.write(`${PROGRAM_NAME}: ${error.message}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${PROGRAM_NAME}: unexpected error: ${message}\n`);
  return EXIT.failure;
}
