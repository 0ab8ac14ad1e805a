import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, runExample } from './support/example-process';

const QUICKSTART = 'examples/quickstart/main.ts';

describe('examples/quickstart', function () {
  this.timeout(60_000);

  it('stays under 40 lines, setup and application together', () => {
    const lines = ['telemetry.ts', 'main.ts'].flatMap((file) =>
      readFileSync(join(REPO_ROOT, 'examples/quickstart', file), 'utf8')
        .trimEnd()
        .split('\n'),
    );
    assert.ok(lines.length < 40, `${lines.length} lines`);
  });

  it("prints the user's insert and update by alice, the password redacted, and a verified chain", async () => {
    const run = await runExample(QUICKSTART);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^v1 insert \{ id: 'alice', type: 'user' \}/m);
    assert.match(run.stdout, /^v2 update \{ id: 'alice', type: 'user' \}/m);
    assert.match(run.stdout, /alice@example\.org/);
    assert.ok(!run.stdout.includes('hunter2'), run.stdout);
    assert.match(run.stdout, /verify: \{[^}]*ok: true/);
  });
});
