import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..', '..');

/** What a finished example printed, and how it exited. */
export interface ExampleRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Environment of an example run: the caller's, without the OTLP and test-database settings
 * that would leak from the developer's shell, no colours, plus `env`.
 */
function exampleEnv(env: Record<string, string>): NodeJS.ProcessEnv {
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

function spawnExample(script: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, script)], {
    cwd: REPO_ROOT,
    env: exampleEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** A started example process whose output is collected as it runs. */
export class ExampleProcess {
  private out = '';
  private err = '';
  private readonly exited: Promise<ExampleRun>;

  private constructor(private readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => (this.out += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.err += chunk.toString()));
    this.exited = new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) =>
        resolve({ code, signal, stdout: this.out, stderr: this.err }),
      );
    });
  }

  /** Starts `script` (a path from the repository root) under tsx. */
  static start(script: string, env: Record<string, string> = {}): ExampleProcess {
    return new ExampleProcess(spawnExample(script, env));
  }

  get stdout(): string {
    return this.out;
  }

  /** Resolves with the first match of `pattern` in stdout; rejects if the process exits first. */
  waitForOutput(pattern: RegExp): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const match = this.out.match(pattern);
        if (!match) return;
        this.child.stdout?.off('data', check);
        resolve(match);
      };
      this.child.stdout?.on('data', check);
      check();
      void this.exited.then((run) =>
        reject(
          new Error(
            `example exited (${run.code}) before printing ${pattern}:\n${run.stdout}\n${run.stderr}`,
          ),
        ),
      );
    });
  }

  /** Asks the process to stop (SIGTERM) and waits for it to exit. */
  stop(): Promise<ExampleRun> {
    this.child.kill('SIGTERM');
    return this.exited;
  }

  /** Waits for the process to exit on its own. */
  finished(): Promise<ExampleRun> {
    return this.exited;
  }

  /** Kills the process if it still runs (test clean-up). */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

/** Runs an example to completion; kills it if it is still running after `limitMs`. */
export async function runExample(
  script: string,
  env: Record<string, string> = {},
  limitMs = 90_000,
): Promise<ExampleRun> {
  const example = ExampleProcess.start(script, env);
  const guard = setTimeout(() => example.kill(), limitMs);
  try {
    return await example.finished();
  } finally {
    clearTimeout(guard);
  }
}
