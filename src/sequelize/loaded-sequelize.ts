import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { SequelizeModuleLike } from './internal-types';

/** One `sequelize` (v6) or `@sequelize/core` (v7) package the process has loaded. */
export interface LoadedSequelize {
  /** The main file it was loaded from (`.../lib/index.js`). */
  readonly entry: string;
  readonly moduleExports: SequelizeModuleLike;
}

/** The package name of each supported major, with the versions patched (closed ranges). */
export const SEQUELIZE_PACKAGES = [
  { name: 'sequelize', major: 6, versions: ['>=6 <7'] },
  // The tested Sequelize 7 alpha and later ones; 8 is another major.
  { name: '@sequelize/core', major: 7, versions: ['>=7.0.0-alpha.48 <8'] },
] as const;

/**
 * The method every statement of this module's Sequelize goes through: `queryRaw` on
 * Sequelize 7 (`query` formats its SQL, then calls it; BEGIN and COMMIT use it directly),
 * `query` on Sequelize 6.
 */
export function queryMethodOf(moduleExports: SequelizeModuleLike): 'query' | 'queryRaw' {
  return typeof moduleExports.Sequelize.prototype.queryRaw === 'function' ? 'queryRaw' : 'query';
}

/**
 * Every `sequelize` v6 and `@sequelize/core` v7 package the process has already loaded, without loading anything: each
 * copy in `require.cache`, wherever it lies (this package's own, a nested `node_modules` of
 * another package, a linked workspace package whose real path has no `node_modules`). A copy
 * of another major, or whose exports are not yet complete (still loading), is left out.
 */
export function alreadyLoadedSequelize(): LoadedSequelize[] {
  const found: LoadedSequelize[] = [];
  for (const [entry, cached] of Object.entries(require.cache)) {
    if (!cached?.loaded || !isSequelizeMainFile(entry)) continue;
    const moduleExports = cached.exports as SequelizeModuleLike | undefined;
    if (!moduleExports?.Sequelize?.prototype || !isSupportedMajor(entry)) continue;
    found.push({ entry, moduleExports });
  }
  return found;
}

/** `<package>/lib/index.js` of a package named `sequelize` or `@sequelize/core` (their `main`). */
function isSequelizeMainFile(file: string): boolean {
  if (basename(file) !== 'index.js' || basename(dirname(file)) !== 'lib') return false;
  const name = manifestOf(dirname(dirname(file)))?.name;
  return SEQUELIZE_PACKAGES.some((known) => known.name === name);
}

/** A package of the major its name stands for (`sequelize` 6, `@sequelize/core` 7). */
function isSupportedMajor(entry: string): boolean {
  const manifest = manifestOf(dirname(dirname(entry)));
  const major = Number(manifest?.version?.split('.')[0]);
  return SEQUELIZE_PACKAGES.some((known) => known.name === manifest?.name && known.major === major);
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
