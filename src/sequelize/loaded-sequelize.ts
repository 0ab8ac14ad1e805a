import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { SequelizeModuleLike } from './internal-types';

/** One `sequelize` package the process has loaded. */
export interface LoadedSequelize {
  /** The main file it was loaded from (`.../lib/index.js`). */
  readonly entry: string;
  readonly moduleExports: SequelizeModuleLike;
}

/**
 * Every `sequelize` v6 package the process has already loaded, without loading anything: each
 * copy in `require.cache`, wherever it lies (this package's own, a nested `node_modules` of
 * another package, a linked workspace package whose real path has no `node_modules`). A copy
 * of another major, or whose exports are not yet complete (still loading), is left out.
 */
export function alreadyLoadedSequelize(): LoadedSequelize[] {
  const found: LoadedSequelize[] = [];
  for (const [entry, cached] of Object.entries(require.cache)) {
    if (!cached?.loaded || !isSequelizeMainFile(entry)) continue;
    const moduleExports = cached.exports as SequelizeModuleLike | undefined;
    if (!moduleExports?.Sequelize?.prototype || majorVersion(entry) !== 6) continue;
    found.push({ entry, moduleExports });
  }
  return found;
}

/** `<package>/lib/index.js` of a package named `sequelize` (v6's `main`). */
function isSequelizeMainFile(file: string): boolean {
  if (basename(file) !== 'index.js' || basename(dirname(file)) !== 'lib') return false;
  return manifestOf(dirname(dirname(file)))?.name === 'sequelize';
}

function majorVersion(entry: string): number | undefined {
  const version = manifestOf(dirname(dirname(entry)))?.version;
  return version === undefined ? undefined : Number(version.split('.')[0]);
}

const manifests = new Map<string, { name?: string; version?: string } | undefined>();

function manifestOf(directory: string): { name?: string; version?: string } | undefined {
  if (manifests.has(directory)) return manifests.get(directory);
  let manifest: { name?: string; version?: string } | undefined;
  try {
    manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as typeof manifest;
  } catch {
    manifest = undefined;
  }
  manifests.set(directory, manifest);
  return manifest;
}
