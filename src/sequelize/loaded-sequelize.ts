import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SequelizeModuleLike } from './internal-types';

/**
 * The `sequelize` module if the application has already loaded it (it was required before
 * the instrumentation was enabled), without loading it; undefined when it is not loaded,
 * cannot be found, or is not a supported version (`>=6 <7`).
 */
export function alreadyLoadedSequelize(): SequelizeModuleLike | undefined {
  let entry: string;
  try {
    entry = require.resolve('sequelize');
  } catch {
    return undefined;
  }
  const loaded = require.cache[entry]?.exports as SequelizeModuleLike | undefined;
  if (!loaded || majorVersion(entry) !== 6) return undefined;
  return loaded;
}

/** The major version in the package.json above a module's entry file. */
function majorVersion(entry: string): number | undefined {
  let directory = dirname(entry);
  for (let depth = 0; depth < 4; depth += 1) {
    try {
      const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === 'sequelize') return Number(manifest.version?.split('.')[0]);
    } catch {
      // no package.json at this level: look one up
    }
    directory = dirname(directory);
  }
  return undefined;
}
