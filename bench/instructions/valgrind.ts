import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export interface CountedRun {
  /** Instructions executed by the whole process, every thread included. */
  instructions: number;
  /** The child's last stdout line, parsed. */
  report: unknown;
}

/**
 * Runs `node <script> <argument>` under cachegrind without cache simulation and returns the
 * instruction total. V8 runs with `--predictable` (one thread for compilation and GC, so the
 * same inputs execute the same instructions) and `--expose-gc` (the child collects before and
 * after the counted part).
 */
export function countInstructions(
  script: string,
  argument: string,
  workDirectory: string,
  timeoutMs: number,
): Promise<CountedRun> {
  const log = join(workDirectory, `cachegrind-${process.pid}-${Date.now()}.log`);
  const args = [
    '--tool=cachegrind',
    '--cache-sim=no',
    '--cachegrind-out-file=/dev/null',
    `--log-file=${log}`,
    process.execPath,
    '--predictable',
    '--expose-gc',
    script,
    argument,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('valgrind', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) =>
      reject(new Error(`could not start valgrind (apt-get install valgrind): ${error.message}`)),
    );
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      try {
        if (code !== 0) throw new Error(`child ended with ${signal ?? `code ${code}`}`);
        const lines = stdout.trim().split('\n');
        resolve({
          instructions: instructionTotal(readFileSync(log, 'utf8')),
          report: JSON.parse(lines[lines.length - 1]),
        });
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      } finally {
        rmSync(log, { force: true });
      }
    });
  });
}

/** The `I refs:` total of a cachegrind log (digits grouped with commas). */
export function instructionTotal(log: string): number {
  const match = /I\s+refs:\s+([\d,]+)/.exec(log);
  if (!match) throw new Error(`no instruction total in the valgrind log:\n${log.slice(-2000)}`);
  return Number(match[1].replace(/,/g, ''));
}
