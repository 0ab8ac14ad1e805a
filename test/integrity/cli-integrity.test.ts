import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCli } from '../cli/support/run-cli';
import { describeEachTrailStore, writeTrail } from './support/trail-kit';

/** Changes one byte of a file: the first `from` becomes `to` (same length). */
function changeOneByte(path: string, from: string, to: string): void {
  const text = readFileSync(path, 'utf8');
  assert.ok(text.includes(from), `${path} has no "${from}"`);
  writeFileSync(path, text.replace(from, to));
}

describeEachTrailStore('The integrity commands, run as a user and an auditor would', (kit) => {
  let keyDir = '';
  let env: Record<string, string>;

  before(async function () {
    this.timeout(60_000);
    keyDir = join(kit().directory, 'keys');
    const keygen = await runCli(['keygen', '--out', keyDir]);
    assert.equal(keygen.code, 0, keygen.stderr);
    assert.match(keygen.stdout, /verifier key: otel-sequelize-audit\+[0-9a-f]{8}\+/);
    env = { AUDIT_CHAIN_KEY: readFileSync(join(keyDir, 'chain.key'), 'utf8').trim() };
  });

  async function filledStore() {
    const { directory, newStore } = kit();
    const store = newStore();
    const witness = pathToFileURL(
      join(directory, `witness-${Math.random().toString(36).slice(2)}`),
    ).href;
    const ids = await writeTrail(
      store.open(),
      {
        chainKey: env.AUDIT_CHAIN_KEY,
        signingKey: readFileSync(join(keyDir, 'private.pem'), 'utf8'),
        witness,
      },
      { spool: join(directory, 'spool') },
    );
    const cli = (...args: string[]) => runCli(['--store', store.url, ...args], env);
    return { store, ids, witness, cli, directory };
  }

  it('verifies with the public key, the chain key and the witness, then catches the deleted tail', async () => {
    const { store, witness, cli } = await filledStore();
    const publicKey = join(keyDir, 'public.pem');
    const ok = await cli(
      'verify',
      '--public-key',
      publicKey,
      '--chain-key-env',
      'AUDIT_CHAIN_KEY',
      '--witness',
      witness,
    );
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(
      ok.stdout,
      /^ok: 20 records in 1 stream, every chain intact \(keyed\), 4 signed checkpoints verified, matches 1 witness/,
    );
    await store.replaceRecords('main', (await store.records('main')).slice(0, 17));
    await store.replaceCheckpoints(
      'main',
      (await store.checkpoints('main')).filter((c) => c.seq <= 15),
    );
    const broken = await cli('verify', '--public-key', publicKey, '--witness', witness);
    assert.equal(broken.code, 1);
    assert.match(
      broken.stderr,
      /chain broken: stream main at seq 18: witness: .*20 records but the store's chain ends at seq 17/,
    );
  });

  it('proves a record and the growth of the log; verify-proof says OK, then BROKEN after one byte changes', async () => {
    const { ids, cli, directory } = await filledStore();
    const publicKey = join(keyDir, 'public.pem');
    const proofFile = join(directory, 'proof.json');
    const prove = await cli('prove', ids[8], '-o', proofFile);
    assert.equal(prove.code, 0, prove.stderr);
    const ok = await runCli(['verify-proof', proofFile, '--public-key', publicKey]);
    assert.deepEqual(
      [ok.code, ok.stdout.trim()],
      [0, 'OK: the proof holds against the signed checkpoint of 20 records'],
    );
    changeOneByte(proofFile, '"name": "new name', '"name": "new namE');
    const broken = await runCli(['verify-proof', proofFile, '--public-key', publicKey]);
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /BROKEN: record not in the log/);

    const consistencyFile = join(directory, 'consistency.json');
    const consistency = await cli('consistency', '5', '--stream', 'main', '-o', consistencyFile);
    assert.equal(consistency.code, 0, consistency.stderr);
    const holds = await runCli(['verify-proof', consistencyFile, '--public-key', publicKey]);
    assert.equal(holds.code, 0, holds.stderr);
  });

  it('exports a bundle an auditor verifies without the store: OK, then BROKEN after one byte changes', async () => {
    const { cli, directory } = await filledStore();
    const publicKey = join(keyDir, 'public.pem');
    const bundle = join(directory, 'bundle');
    const exported = await cli('export', '--bundle', bundle);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stdout, /exported a bundle of 20 records in 1 streams/);
    const ok = await runCli(['verify', '--bundle', bundle, '--public-key', publicKey]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(
      ok.stdout,
      /^OK: 20 records in 1 stream, every chain intact, 4 signed checkpoints verified/,
    );
    changeOneByte(join(bundle, 'records.jsonl'), 'old name', 'olD name');
    const broken = await runCli(['verify', '--bundle', bundle, '--public-key', publicKey]);
    assert.equal(broken.code, 1);
    assert.match(
      broken.stderr,
      /^otel-sequelize-audit: BROKEN: stream main at seq \d+: checkpoint mismatch: the signed root/,
    );
  });

  it('refuses to overwrite keys and says so for a missing public key file, with exit 2', async () => {
    const again = await runCli(['keygen', '--out', keyDir]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /exists; keygen never overwrites a key/);
    const missing = await runCli([
      'verify-proof',
      join(keyDir, 'nothing.json'),
      '--public-key',
      join(keyDir, 'missing.pem'),
    ]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /public key file ".*missing.pem" cannot be read \(ENOENT\)/);
  });
});
