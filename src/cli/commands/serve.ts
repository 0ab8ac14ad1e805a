import { Command, InvalidArgumentError, Option } from 'commander';
import { AuditTrail } from '../../query/audit-trail';
import type { AuditStore } from '../../store/audit-store';
import { openViewerStore } from '../../viewer/open-viewer-store';
import { startViewer } from '../../viewer/start-viewer';
import { badInput, CliError, EXIT } from '../cli-error';
import type { GlobalOptions } from '../context';
import { parsePositiveInt } from '../parse-args';
import { describeStoreFailure, redactUrl } from '../store-errors';

interface ServeOptions {
  port: number;
  host: string;
  authToken?: string;
  liveInterval: number;
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('a read-only web viewer (and JSON API) over the audit trail, until interrupted')
    .option('--port <n>', 'TCP port (0 picks a free one)', parsePort, 4600)
    .option(
      '--host <host>',
      'interface to listen on; any but loopback needs --auth-token',
      '127.0.0.1',
    )
    .addOption(
      new Option(
        '--auth-token <token>',
        'require this token (Bearer, or as the basic auth password)',
      ).env('AUDIT_VIEWER_AUTH_TOKEN'),
    )
    .option(
      '--live-interval <ms>',
      'time between two looks at the store for the live page',
      parsePositiveInt,
      1000,
    )
    .action(async (options: ServeOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      if (!globals.store)
        throw badInput('no audit store given: pass --store URL or set AUDIT_STORE_URL');
      const label = redactUrl(globals.store);
      let store: AuditStore;
      try {
        store = await openViewerStore(globals.store);
      } catch (error) {
        throw storeProblem(error, label);
      }
      try {
        const viewer = await startViewer(new AuditTrail(store), {
          host: options.host,
          port: options.port,
          authToken: options.authToken,
          basicAuth: process.env.AUDIT_VIEWER_BASIC_AUTH || undefined,
          traceUrl: globals.traceUrl,
          liveIntervalMs: options.liveInterval,
        }).catch((error: unknown) => {
          throw error instanceof RangeError ? badInput(error.message) : error;
        });
        process.stdout.write(
          `audit trail viewer of ${label} at ${viewer.url}/ (read-only; Ctrl-C stops it)\n`,
        );
        await interrupted();
        await viewer.close();
      } finally {
        await store.close().catch(() => undefined);
      }
    });
}

function storeProblem(error: unknown, label: string): CliError {
  if (error instanceof Error && /does not exist \(no file/.test(error.message)) {
    return new CliError(error.message, EXIT.storeUnavailable);
  }
  if (error instanceof Error && /is not supported|give a file/.test(error.message)) {
    return badInput(error.message);
  }
  return describeStoreFailure(error, label);
}

function parsePort(text: string): number {
  if (text === '0') return 0;
  const port = parsePositiveInt(text);
  if (port > 65535)
    throw new InvalidArgumentError(
      `${port} is not a TCP port: use 1 to 65535, or 0 for a free one.`,
    );
  return port;
}

function interrupted(): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done).off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done).once('SIGTERM', done);
  });
}
