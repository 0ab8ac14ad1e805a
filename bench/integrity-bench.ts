/*
 * What tamper evidence costs: processor throughput with the keyed chain, the Merkle tree and
 * signed checkpoints against the plain chain, in the same run (alternating rounds); verify
 * with the chain key and the public key; inclusion proofs on a large stream.
 *
 *   tsx bench/integrity-bench.ts [--records N] [--verify-records N] [--proof-leaves N] [--postgres-url URL]
 *
 * Markdown to stdout, progress to stderr. Small defaults: the machine may be shared.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sequelize } from 'sequelize';
import { AuditSpanProcessor, AuditTrail, SqlAuditStore, generateSigningKeys } from '../src';
import type { AuditIntegrityOptions } from '../src';
import { leafHash } from '../src/integrity/merkle-hash';
import { MerkleTree } from '../src/integrity/merkle-tree';
import { inclusionFailure } from '../src/integrity/merkle-verify';
import type { AuditEvent } from '../src/types';
import { markdownTable } from './markdown-table';

const argv = process.argv.slice(2);
const value = (flag: string, fallback: number) => {
  const index = argv.indexOf(flag);
  return index >= 0 ? Number(argv[index + 1]) : fallback;
};
const RECORDS = value('--records', 10_000);
const VERIFY_RECORDS = value('--verify-records', 50_000);
const PROOF_LEAVES = value('--proof-leaves', 1_000_000);
const postgresIndex = argv.indexOf('--postgres-url');
const POSTGRES_URL =
  postgresIndex >= 0 ? argv[postgresIndex + 1] : process.env.AUDIT_BENCH_POSTGRES_URL;

function event(i: number, run: string): AuditEvent {
  const row = (v: string) => ({
    id: i,
    email: `customer.${i}@example.com`,
    name: `Customer number ${i} ${v}`,
    city: 'Amsterdam',
    status: v === 'old' ? 'pending' : 'active',
    balance: (i * 1.37).toFixed(2),
    note: `a free text note about the customer, revision ${v}, padded to size`,
  });
  return {
    eventId: `${run}-${i}`,
    occurredAt: new Date(Date.UTC(2026, 0, 1) + i).toISOString(),
    operation: 'update',
    granularity: 'row',
    dbSystem: 'postgresql',
    table: 'customers',
    recordId: String(i),
    changedFields: ['name', 'status'],
    before: row('old'),
    after: row('new'),
    actor: { id: `user-${i % 50}`, type: 'user' },
  };
}

const seconds = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e9;
const keys = generateSigningKeys();
const INTEGRITY: AuditIntegrityOptions = {
  chainKey: 'bench-chain-key-0123456789abcdef',
  signingKey: keys.privateKey,
  checkpointEvery: 1000,
};

async function processorRate(
  sequelize: Sequelize,
  table: string,
  integrity: AuditIntegrityOptions | undefined,
  spool: string,
  count: number,
): Promise<number> {
  const store = new SqlAuditStore({ sequelize, table });
  await store.init();
  const processor = new AuditSpanProcessor({
    store,
    integrity,
    spool: { directory: spool },
    maxQueueSize: count + 1,
    closeStoreOnShutdown: false,
  });
  await processor.forceFlush();
  const events = Array.from({ length: count }, (_, i) => event(i, `${table}-${Date.now()}`));
  const started = process.hrtime.bigint();
  for (const e of events) processor.receiveAuditEvent(e);
  await processor.forceFlush();
  const rate = count / seconds(started);
  await processor.shutdown();
  return rate;
}

async function throughput(name: string, sequelize: Sequelize, spool: string): Promise<string[]> {
  const plain: number[] = [];
  const keyed: number[] = [];
  for (let round = 0; round < 3; round += 1) {
    process.stderr.write(`${name}: round ${round + 1}\n`);
    plain.push(await processorRate(sequelize, `bench_plain_${round}`, undefined, spool, RECORDS));
    keyed.push(await processorRate(sequelize, `bench_keyed_${round}`, INTEGRITY, spool, RECORDS));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1];
  return [
    name,
    String(RECORDS),
    median(plain).toFixed(0),
    median(keyed).toFixed(0),
    `${((median(keyed) / median(plain)) * 100).toFixed(0)} %`,
  ];
}

async function verifyAndProve(sequelize: Sequelize, spool: string): Promise<string[][]> {
  const rows: string[][] = [];
  const perMillion = (s: number) =>
    `${((s / VERIFY_RECORDS) * 1e6).toFixed(1)} µs/record, ${((s / VERIFY_RECORDS) * 1e6).toFixed(0)} s per 1M`;
  for (const keyed of [false, true]) {
    const table = keyed ? 'bench_verify_keyed' : 'bench_verify_plain';
    process.stderr.write(`writing ${VERIFY_RECORDS} records into ${table}\n`);
    const integrity = keyed ? { ...INTEGRITY, checkpointEvery: 10_000 } : undefined;
    await processorRate(sequelize, table, integrity, spool, VERIFY_RECORDS);
    const store = new SqlAuditStore({ sequelize, table });
    const trail = new AuditTrail(store, { batchSize: 5000 });
    const started = process.hrtime.bigint();
    const result = await trail.verify(
      keyed ? { chainKey: INTEGRITY.chainKey, publicKey: keys.publicKey } : {},
    );
    const took = seconds(started);
    if (!result.ok) throw new Error(`bench trail does not verify: ${result.firstBreak?.reason}`);
    rows.push([
      keyed ? 'verify keyed (chain key + public key), SQLite' : 'verify plain chain, SQLite',
      String(VERIFY_RECORDS),
      `${took.toFixed(2)} s`,
      perMillion(took),
    ]);
    if (!keyed) continue;
    const [first] = await store.find({}, { limit: 1 });
    const proofStarted = process.hrtime.bigint();
    await trail.prove(first.eventId);
    rows.push([
      'first proof of a stream (reads it once), SQLite',
      String(VERIFY_RECORDS),
      `${(seconds(proofStarted) * 1000).toFixed(0)} ms`,
      '',
    ]);
  }
  return rows;
}

function proofLatency(): string[] {
  process.stderr.write(`building a tree of ${PROOF_LEAVES} leaves\n`);
  const tree = new MerkleTree();
  const leaves: Buffer[] = [];
  for (let i = 0; i < PROOF_LEAVES; i += 1) {
    const leaf = leafHash(`record ${i}`);
    if (i % 997 === 0) leaves[i] = leaf;
    tree.append(leaf);
  }
  const root = tree.root();
  const samples: number[] = [];
  for (let n = 0; n < 2000; n += 1) {
    const index = Math.floor(Math.random() * (PROOF_LEAVES / 997)) * 997;
    const started = process.hrtime.bigint();
    const path = tree.inclusionProof(index, PROOF_LEAVES);
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (inclusionFailure(index, PROOF_LEAVES, leaves[index], path, root))
      throw new Error('bad proof');
  }
  samples.sort((a, b) => a - b);
  const p = (q: number) => samples[Math.floor(q * (samples.length - 1))].toFixed(3);
  return [
    'inclusion proof from the kept tree',
    String(PROOF_LEAVES),
    `p50 ${p(0.5)} ms, p99 ${p(0.99)} ms`,
    '',
  ];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'osa-integrity-bench-'));
  const spool = join(dir, 'spool');
  try {
    const sqlite = new Sequelize({
      dialect: 'sqlite',
      storage: join(dir, 'bench.sqlite'),
      logging: false,
    });
    const rows = [await throughput('SQLite', sqlite, spool)];
    if (POSTGRES_URL) {
      const postgres = new Sequelize(POSTGRES_URL, { logging: false });
      rows.push(await throughput('PostgreSQL', postgres, spool));
      await postgres.query(
        'DROP TABLE IF EXISTS bench_plain_0, bench_plain_1, bench_plain_2, bench_keyed_0, bench_keyed_1, bench_keyed_2, bench_plain_0_checkpoints, bench_plain_1_checkpoints, bench_plain_2_checkpoints, bench_keyed_0_checkpoints, bench_keyed_1_checkpoints, bench_keyed_2_checkpoints',
      );
      await postgres.close();
    }
    process.stdout.write('## Processor throughput, records/s (median of 3 alternating rounds)\n\n');
    process.stdout.write(
      `${markdownTable(['store', 'records', 'plain chain', 'keyed + Merkle + signed', 'ratio'], rows)}\n\n`,
    );
    const other = [...(await verifyAndProve(sqlite, spool)), proofLatency()];
    process.stdout.write('## Verify and proofs\n\n');
    process.stdout.write(`${markdownTable(['what', 'records', 'time', 'per record'], other)}\n`);
    await sqlite.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
