import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

describe('load order', () => {
  it('traces a Sequelize the application required before enabling the instrumentation', async function () {
    this.timeout(60_000);
    const fixture = join(__dirname, 'fixtures', 'sequelize-loaded-first.ts');
    const { stdout } = await run(process.execPath, ['--require', 'tsx/cjs', fixture], {
      cwd: join(__dirname, '..', '..'),
    });
    const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as {
      enabled: string[];
      disabled: string[];
    };
    assert.deepEqual(result, { enabled: ['SELECT'], disabled: [] });
  });
});
