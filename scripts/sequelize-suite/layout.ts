import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pinnedVersions } from './yarn-lock';

/** The Sequelize tag the archive holds; its source tree says `0.0.0-development`. */
export const SEQUELIZE_VERSION = '6.37.8';

/**
 * The development dependencies the SQLite and PostgreSQL suites load (test/support.js, the
 * esbuild require hook, the tests' own requires), beside Sequelize's runtime dependencies.
 */
const SUITE_DEV_DEPENDENCIES = [
  'chai',
  'chai-as-promised',
  'chai-datetime',
  'cls-hooked',
  'delay',
  'esbuild',
  'fast-glob',
  'fs-jetpack',
  'js-combinatorics',
  'mocha',
  'module-alias',
  'mysql2',
  'node-hook',
  'p-map',
  'p-props',
  'p-settle',
  'p-timeout',
  'pg',
  'pg-hstore',
  'sinon',
  'sinon-chai',
  'source-map-support',
  'sqlite3',
  'tedious',
];

interface SequelizeManifest {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

/** Where the suite was laid out: `root` is the temp folder, `sequelize` the package inside. */
export interface SuiteLayout {
  root: string;
  sequelize: string;
}

/**
 * Unpacks the archive to `<tmp>/node_modules/sequelize/` (a require hook recognises the module
 * by that path), sets its version, links the pinned dependencies in from the cache (installing
 * them on a miss) and builds `lib/` from `src/` with the tag's esbuild settings.
 */
export function layOutSuite(archive: string, log: (line: string) => void): SuiteLayout {
  if (!existsSync(archive)) {
    throw new Error(
      `Sequelize archive not found at ${archive}; pass --archive PATH or set SEQUELIZE_SUITE_ARCHIVE`,
    );
  }
  const root = mkdtempSync(join(tmpdir(), 'sequelize-suite-'));
  const sequelize = join(root, 'node_modules', 'sequelize');
  mkdirSync(sequelize, { recursive: true });
  execFileSync('tar', ['xzf', archive, '--strip-components=1', '-C', sequelize]);
  const manifestPath = join(sequelize, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as SequelizeManifest;
  manifest.version = SEQUELIZE_VERSION;
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));

  const wanted = new Map<string, string>(Object.entries(manifest.dependencies));
  for (const name of SUITE_DEV_DEPENDENCIES) wanted.set(name, manifest.devDependencies[name]);
  const pinned = pinnedVersions(readFileSync(join(sequelize, 'yarn.lock'), 'utf8'), wanted);
  const dependencies = installedDependencies(pinned, log);
  symlinkSync(dependencies, join(sequelize, 'node_modules'), 'dir');
  buildLib(sequelize);
  return { root, sequelize };
}

/** The cache home: `SEQUELIZE_SUITE_CACHE`, else `$XDG_CACHE_HOME` or `~/.cache`. */
function cacheHome(): string {
  if (process.env.SEQUELIZE_SUITE_CACHE) return process.env.SEQUELIZE_SUITE_CACHE;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'otel-sequelize-audit', 'sequelize-suite');
}

/** A `node_modules` folder holding exactly `pinned`, installed once per set of versions. */
function installedDependencies(
  pinned: ReadonlyMap<string, string>,
  log: (line: string) => void,
): string {
  const dependencies = Object.fromEntries([...pinned].sort(([a], [b]) => a.localeCompare(b)));
  const key = createHash('sha256').update(JSON.stringify(dependencies)).digest('hex').slice(0, 16);
  const home = cacheHome();
  const ready = join(home, key);
  if (existsSync(join(ready, 'node_modules', '.complete'))) return join(ready, 'node_modules');

  log(`installing ${pinned.size} pinned dependencies into ${ready} (once; cached after)`);
  mkdirSync(home, { recursive: true });
  const staging = mkdtempSync(join(home, `${key}-staging-`));
  const packageJson = {
    name: 'sequelize-suite-dependencies',
    private: true,
    dependencies,
    allowScripts: { sqlite3: true, esbuild: true },
  };
  writeFileSync(join(staging, 'package.json'), JSON.stringify(packageJson, null, 2));
  // Start from an earlier complete install: npm then only adds what changed, and a native
  // module (sqlite3 builds from source where no prebuilt binary downloads) is not rebuilt.
  const earlier = readdirSync(home).find((entry) =>
    existsSync(join(home, entry, 'node_modules', '.complete')),
  );
  if (earlier) {
    cpSync(join(home, earlier, 'node_modules'), join(staging, 'node_modules'), {
      recursive: true,
      verbatimSymlinks: true,
    });
    rmSync(join(staging, 'node_modules', '.complete'));
  }
  try {
    const args = ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'];
    execFileSync('npm', args, { cwd: staging, stdio: ['ignore', 'inherit', 'inherit'] });
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`installing the suite's dependencies failed (npm install in ${staging})`, {
      cause: error,
    });
  }
  writeFileSync(join(staging, 'node_modules', '.complete'), new Date().toISOString());
  rmSync(ready, { recursive: true, force: true });
  renameSync(staging, ready);
  // Installs of older pinned sets are not needed any more.
  for (const entry of readdirSync(home)) {
    if (entry !== key && !entry.includes('-staging-')) {
      rmSync(join(home, entry), { recursive: true, force: true });
    }
  }
  return join(ready, 'node_modules');
}

/** The esbuild half of the tag's build.js: src/ compiled to CommonJS in lib/, .mjs copied. */
function buildLib(sequelize: string): void {
  const script = `
    const glob = require('fast-glob');
    const { buildSync } = require('esbuild');
    const fs = require('fs');
    const path = require('path');
    const files = glob.sync('./src/**/*.{mjs,cjs,js,mts,cts,ts}', { onlyFiles: true });
    const compiled = files.filter((f) => !f.endsWith('.mjs') && !f.endsWith('.d.ts'));
    for (const file of files.filter((f) => f.endsWith('.mjs'))) {
      const target = path.join('lib', path.relative('src', file));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(file, target);
    }
    buildSync({ sourcemap: true, target: 'node10', format: 'cjs', outdir: 'lib',
      entryPoints: compiled.map((f) => path.resolve(f)) });
  `;
  execFileSync(process.execPath, ['-e', script], { cwd: sequelize, stdio: 'inherit' });
}
