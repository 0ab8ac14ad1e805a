import assert from 'node:assert/strict';
import { runExample } from './support/example-process';

describe('examples/erasure', function () {
  this.timeout(60_000);

  it('reads a subject in clear, erases it, shows [ERASED], leaves bob alone, and verifies', async () => {
    const run = await runExample('examples/erasure/main.ts');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^before: \{"email":"alice@example\.com","name":"Alice"\}$/m);
    assert.match(run.stdout, /^erased subject 1: 1 key, 2 records/m);
    assert.match(run.stdout, /^after: \{"email":"\[ERASED\]","name":"\[ERASED\]"\}$/m);
    assert.match(run.stdout, /^address: \{"userId":1,"street":"\[ERASED\]"\}$/m);
    assert.match(run.stdout, /^bob: \{"email":"bob@example\.com","name":"Bob"\}$/m);
    assert.match(run.stdout, /^verify: true$/m);
  });
});
