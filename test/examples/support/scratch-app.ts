import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './example-process';
import type { ExampleRun } from './example-process';

let built = false;

/** Builds the package (`build/`) once per test run: the register entry runs from the build. */
export function ensureBuilt(): void {
  if (built) return;
  const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`build failed:\n${result.stdout}${result.stderr}`);
  built = true;
}

/** The environment of a scratch app run: no OTEL_/AUDIT_ settings of the developer's shell. */
function appEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(OTEL_|AUDIT_|DATABASE_URL$)/.test(key)),
  );
  return {
    ...inherited,
    NO_COLOR: '1',
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
    ...env,
  };
}

/** A running app whose output is collected. */
export class AppProcess {
  private out = '';
  private err = '';
  readonly exited: Promise<ExampleRun>;

  constructor(private readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => (this.out += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.err += chunk.toString()));
    this.exited = new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) =>
        resolve({ code, signal, stdout: this.out, stderr: this.err }),
      );
    });
  }

  /** Resolves once stdout matches `pattern`; rejects if the process exits first. */
  async waitForOutput(pattern: RegExp): Promise<RegExpMatchArray> {
    for (;;) {
      const match = this.out.match(pattern);
      if (match) return match;
      const exited = await Promise.race([
        this.exited.then(() => true),
        new Promise<false>((resolve) => setTimeout(() => resolve(false), 50)),
      ]);
      if (exited && !this.out.match(pattern)) {
        throw new Error(`exited before printing ${pattern}:\n${this.out}\n${this.err}`);
      }
    }
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

/**
 * A copy of an example app in a temporary directory whose node_modules links this package
 * (as an installed dependency would be found) and the Sequelize and SQLite driver of the
 * repository: the app resolves `otel-sequelize-audit` through its exports map, as a user's
 * app does.
 */
export class ScratchApp {
  private constructor(readonly dir: string) {}

  static create(example: string, prefix = 'osa-app-'): ScratchApp {
    const app = ScratchApp.empty(prefix);
    cpSync(join(REPO_ROOT, example), app.dir, { recursive: true });
    return app;
  }

  /** An app directory with the node_modules links only. */
  static empty(prefix = 'osa-app-'): ScratchApp {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    const modules = join(dir, 'node_modules');
    mkdirSync(modules, { recursive: true });
    symlinkSync(REPO_ROOT, join(modules, 'otel-sequelize-audit'), 'dir');
    for (const name of ['sequelize', 'sqlite3', 'express', '@opentelemetry', 'tsx']) {
      symlinkSync(join(REPO_ROOT, 'node_modules', name), join(modules, name), 'dir');
    }
    return new ScratchApp(dir);
  }

  write(file: string, content: string): string {
    const path = join(this.dir, file);
    writeFileSync(path, content);
    return path;
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  start(nodeArgs: string[], env: Record<string, string> = {}): AppProcess {
    return new AppProcess(
      spawn(process.execPath, nodeArgs, {
        cwd: this.dir,
        env: appEnv(env),
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
  }

  /** Runs to completion; killed after `limitMs`. */
  async run(
    nodeArgs: string[],
    env: Record<string, string> = {},
    limitMs = 60_000,
  ): Promise<ExampleRun> {
    const app = this.start(nodeArgs, env);
    const guard = setTimeout(() => app.kill(), limitMs);
    try {
      return await app.exited;
    } finally {
      clearTimeout(guard);
    }
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
