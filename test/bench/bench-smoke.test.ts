import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the bench exactly as `npm run bench -- <args>` does, without npm's own start-up. */
function runBench(args: string[]): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('bench smoke run', function () {
  this.timeout(90_000);
  let outcome: Outcome;

  before(async () => {
    outcome = await runBench(['--iterations', '5', '--rounds', '1', '--sqlite-only']);
  });

  it('exits 0 after running every configuration once', () => {
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.equal(outcome.stderr.match(/bench: \[\d+\/6\] sqlite /g)?.length, 6, outcome.stderr);
  });

  it('prints the time table with a row for every workload and configuration', () => {
    const rows = outcome.stdout
      .split('\n')
      .filter((line) => /^\| .+ \| (plain|SDK only|official|ours)/.test(line))
      .filter((line) => !line.startsWith('| workload '));
    assert.equal(rows.length, 9 * 6, outcome.stdout);
    const plainSelect = rows.find((row) => /^\| raw SELECT 1 +\| plain +\|/.test(row));
    assert.match(plainSelect ?? '', /\| ×1\.00 /);
  });

  it('counts one span per raw query under the official instrumentation', () => {
    const officialSelect = outcome.stdout
      .split('\n')
      .find((line) => /^\| raw SELECT 1 +\| official 0\.15 +\|/.test(line));
    assert.match(officialSelect ?? '', /\| 1\.0 +\|$/);
  });

  it('prints the targets, memory and bare-span sections', () => {
    assert.match(outcome.stdout, /targets \(µs added per operation over SDK only\)/);
    assert.match(outcome.stdout, /SQLite in memory: memory/);
    assert.match(outcome.stdout, /\*\*\d+\.\d+ µs\*\* \([^)]*\) of wall time/);
  });

  it('skips PostgreSQL with a note in the report when its server does not answer', async () => {
    const unreachable = 'postgres://postgres@127.0.0.1:1/none';
    const run = await runBench([
      '--iterations',
      '2',
      '--rounds',
      '1',
      '--only',
      'plain',
      '--postgres-url',
      unreachable,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /- PostgreSQL skipped: .+ \(server postgres:\/\/postgres@127\.0\.0\.1:1\/none\)\./,
    );
    assert.match(run.stdout, /## SQLite in memory: µs per operation/);
    assert.doesNotMatch(run.stdout, /## PostgreSQL/);
  });

  it('rejects a bad option with a message and a non-zero exit', async () => {
    const bad = await runBench(['--rounds', 'zero']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /"zero" is not a whole number/);
  });
});
