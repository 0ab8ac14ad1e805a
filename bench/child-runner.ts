import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { ChildJob, ChildResult } from './protocol';

const ROOT = join(__dirname, '..');
const CHILD = join(__dirname, 'child.ts');

/**
 * Runs one job in a fresh Node process (TypeScript through tsx). The child's output goes to
 * our stderr so that stdout carries only the report. A child that dies, hangs past
 * `timeoutMs` or answers nothing becomes a `failed` result: one broken configuration never
 * stops the run.
 */
export function runChild(job: ChildJob, timeoutMs: number): Promise<ChildResult> {
  return new Promise((resolve) => {
    const child = fork(CHILD, [JSON.stringify(job)], {
      cwd: ROOT,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 2, 2, 'ipc'],
    });
    let answer: ChildResult | undefined;
    const timer = setTimeout(() => {
      answer ??= { status: 'failed', job, reason: `no answer within ${timeoutMs / 1000} s` };
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      answer ??= { status: 'failed', job, reason: `could not start the child: ${error.message}` };
    });
    child.on('message', (message) => {
      answer ??= message as ChildResult;
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(
        answer ?? {
          status: 'failed',
          job,
          reason: `child exited with ${signal ?? `code ${code}`} before answering`,
        },
      );
    });
  });
}
