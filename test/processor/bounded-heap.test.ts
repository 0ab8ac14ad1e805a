import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempDirectory } from './support/harness';

const run = promisify(execFile);

describe('AuditSpanProcessor memory while the store stays down', () => {
  const directory = tempDirectory('osa-heap-');
  after(() => directory.remove());

  it('keeps the heap flat while 35,000 more records go to the spool on disk', async function () {
    this.timeout(120_000);
    const { stdout } = await run(
      process.execPath,
      [
        '--expose-gc',
        '--require',
        'tsx/cjs',
        join(__dirname, 'support', 'heap-child.ts'),
        directory.path,
      ],
      { maxBuffer: 1024 * 1024 },
    );
    const { baseline, final, spoolBytes, gc } = JSON.parse(
      stdout.trim().split('\n').pop() ?? '{}',
    ) as {
      baseline: number;
      final: number;
      spoolBytes: number;
      gc: boolean;
    };
    assert.equal(gc, true);
    // 35,000 records of about 550 bytes of JSON each (several times that as objects) would add
    // tens of MB if they stayed on the heap.
    assert.ok(spoolBytes > 35_000 * 500, `spool holds ${spoolBytes} bytes`);
    assert.ok(final - baseline < 8 * 1024 * 1024, `heap grew by ${final - baseline} bytes`);
  });
});
