import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repository = join(__dirname, '..', '..');
const fixture = join(__dirname, 'fixtures', 'sequelize-copies.ts');

interface FixtureResult {
  spans: string[][];
  warnings: string[];
}

/** Copies this repository's sequelize (package.json and lib/) to `folder`. */
function copySequelizeTo(folder: string): string {
  const source = dirname(require.resolve('sequelize/package.json'));
  mkdirSync(folder, { recursive: true });
  cpSync(join(source, 'package.json'), join(folder, 'package.json'));
  cpSync(join(source, 'lib'), join(folder, 'lib'), { recursive: true });
  return folder;
}

async function runFixture(env: Record<string, string>): Promise<FixtureResult> {
  const { stdout } = await run(process.execPath, ['--require', 'tsx/cjs', fixture], {
    cwd: repository,
    // The copies find sequelize's own dependencies (and the driver) in this repository.
    env: { ...process.env, ...env, NODE_PATH: join(repository, 'node_modules') + delimiter },
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as FixtureResult;
}

describe('every loaded copy of sequelize is patched', function () {
  this.timeout(120_000);
  let root: string;
  let nestedCopy: string;
  let linkedCopy: string;

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'osa-copies-'));
    nestedCopy = copySequelizeTo(
      join(root, 'node_modules', 'other-package', 'node_modules', 'sequelize'),
    );
    // A workspace package's real path: no node_modules in it, so no load hook sees it.
    linkedCopy = copySequelizeTo(join(root, 'workspace', 'packages', 'sequelize'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('traces a second copy in another package’s node_modules, loaded after the instrumentation', async () => {
    const result = await runFixture({ FIXTURE_COPIES: JSON.stringify(['own', nestedCopy]) });
    assert.deepEqual(result.spans, [['SELECT'], ['SELECT']]);
    assert.deepEqual(result.warnings, []);
  });

  it('traces every copy the application loaded before the instrumentation', async () => {
    const copies = JSON.stringify(['own', nestedCopy, linkedCopy]);
    const result = await runFixture({ FIXTURE_COPIES: copies, FIXTURE_ORDER: 'before' });
    assert.deepEqual(result.spans, [['SELECT'], ['SELECT'], ['SELECT']]);
  });

  it('traces a linked copy whose real path has no node_modules, from its first statement', async () => {
    const result = await runFixture({ FIXTURE_COPIES: JSON.stringify([linkedCopy]) });
    assert.deepEqual(result.spans, [['SELECT']]);
    assert.deepEqual(result.warnings, []);
  });

  it('warns once when database drivers load but no sequelize was found to patch', async () => {
    const result = await runFixture({ FIXTURE_COPIES: '[]', FIXTURE_DRIVER_ONLY: '1' });
    assert.equal(result.warnings.length, 1, result.warnings.join('\n'));
    assert.match(result.warnings[0], /sqlite3 driver was loaded, but no sequelize module/);
  });
});
