/*
 * Fails when the published typings of the public API reach an internal module: walks every
 * relative import of the .d.ts files reachable from the package's entry typings and reports
 * each path into `sequelize/` (the shapes of Sequelize internals, never exported).
 *
 *   npx tsx scripts/check-public-types.ts [build/src]
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? 'build/src');
const entries = ['index.d.ts', 'register.d.ts'];
const INTERNAL = /(^|\/)sequelize\//;
const IMPORT = /(?:from\s+|import\()\s*['"](\.{1,2}\/[^'"]+)['"]/g;

function resolveDts(fromFile: string, specifier: string): string | undefined {
  const base = resolve(dirname(fromFile), specifier);
  for (const candidate of [`${base}.d.ts`, join(base, 'index.d.ts')]) {
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

const via = new Map<string, string | undefined>();
const queue = entries.map((entry) => join(root, entry)).filter((file) => existsSync(file));
for (const file of queue) via.set(file, undefined);
while (queue.length > 0) {
  const file = queue.shift()!;
  for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    const target = resolveDts(file, match[1]);
    if (!target || via.has(target)) continue;
    via.set(target, file);
    queue.push(target);
  }
}

function chain(file: string): string {
  const steps: string[] = [];
  for (let at: string | undefined = file; at; at = via.get(at)) steps.unshift(relative(root, at));
  return steps.join(' -> ');
}

const leaks = [...via.keys()].filter((file) => INTERNAL.test(relative(root, file)));
if (leaks.length > 0) {
  console.error('internal types reachable from the public typings:');
  for (const leak of leaks) console.error(`  ${chain(leak)}`);
  process.exit(1);
}
console.log(`public typings: ${via.size} .d.ts files, no internal module reachable`);
