import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The other benches of this folder, by the flag that asks for them. */
export const EXTRA_BENCHES = {
  store: 'store-throughput.ts',
  query: 'query-bench.ts',
} as const;
export type ExtraBench = keyof typeof EXTRA_BENCHES;

/**
 * Runs the asked-for benches after the overhead tables, each in its own process and
 * printing to our stdout. Returns false when one of them failed.
 */
export function runExtraBenches(names: ExtraBench[], passThrough: string[]): boolean {
  let allPassed = true;
  for (const name of names) {
    const script = EXTRA_BENCHES[name];
    if (!existsSync(join(__dirname, script))) {
      process.stdout.write(`\n_The ${name} bench is not in this checkout yet._\n`);
      continue;
    }
    allPassed = runScript(script, passThrough) && allPassed;
  }
  return allPassed;
}

function runScript(script: string, passThrough: string[]): boolean {
  process.stderr.write(`bench: running bench/${script} ${passThrough.join(' ')}\n`);
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(__dirname, script), ...passThrough],
    { cwd: join(__dirname, '..'), stdio: 'inherit' },
  );
  if (result.status === 0) return true;
  process.stderr.write(`bench: bench/${script} failed (${result.signal ?? result.status})\n`);
  return false;
}
