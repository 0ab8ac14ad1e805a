import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/*
 * A PostgreSQL server of a test's own, in a temporary directory on a free port, that the
 * test may stop and start for real without touching the shared server other suites use.
 */

const run = promisify(execFile);
const BIN = process.env.AUDIT_TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export function privatePostgresAvailable(): boolean {
  return existsSync(join(BIN, 'initdb')) && existsSync(join(BIN, 'pg_ctl'));
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** initdb refuses to run as root: run the server binaries as the `postgres` OS user then. */
function asServerUser(command: string, args: string[]): [string, string[]] {
  return userInfo().uid === 0
    ? ['runuser', ['-u', 'postgres', '--', command, ...args]]
    : [command, args];
}

export class PrivatePostgres {
  readonly url: string;

  private constructor(
    private readonly directory: string,
    readonly port: number,
  ) {
    this.url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  }

  static async create(): Promise<PrivatePostgres> {
    const directory = mkdtempSync(join(tmpdir(), 'osa-pg-'));
    if (userInfo().uid === 0) chownSync(directory, uidOf('postgres'), gidOf('postgres'));
    const server = new PrivatePostgres(directory, await freePort());
    await server.exec('initdb', [
      '-D',
      server.dataDirectory,
      '-A',
      'trust',
      '-U',
      'postgres',
      '--no-sync',
    ]);
    await server.start();
    return server;
  }

  private get dataDirectory(): string {
    return join(this.directory, 'data');
  }

  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.directory} -c listen_addresses=127.0.0.1 -c fsync=off`;
    await this.exec('pg_ctl', [
      '-D',
      this.dataDirectory,
      '-o',
      options,
      '-l',
      join(this.directory, 'log'),
      '-w',
      'start',
    ]);
  }

  /** Stops the server for real (fast shutdown: open connections are cut). */
  async stop(): Promise<void> {
    await this.exec('pg_ctl', ['-D', this.dataDirectory, '-m', 'fast', '-w', 'stop']);
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    rmSync(this.directory, { recursive: true, force: true });
  }

  private async exec(binary: string, args: string[]): Promise<void> {
    const [command, commandArgs] = asServerUser(join(BIN, binary), args);
    await run(command, commandArgs, { timeout: 60_000 });
  }
}

function uidOf(user: string): number {
  return Number(execFileSync('id', ['-u', user]).toString().trim());
}

function gidOf(user: string): number {
  return Number(execFileSync('id', ['-g', user]).toString().trim());
}
