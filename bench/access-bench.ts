/*
 * Access audit cost: a findAll of 50 rows of a model with `reads: true`, side by side with the
 * same find with audit on but without `reads` (the baseline), in one process, alternating
 * rounds. Two figures per configuration: the call alone (what the application waits for:
 * records are built on the next turn, off the call path), and the call plus persisting its
 * records (deferred batch built, sealed in the chain and written by the AuditSpanProcessor
 * into a SQLite store). Run: npx tsx bench/access-bench.ts [rounds] [callsPerRound]
 * (ACCESS_BENCH_NO_PROCESSOR=1: no processor, to tell building from persisting).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type * as SequelizeModule from 'sequelize';
import { AuditSpanProcessor, SequelizeAuditInstrumentation, SqlAuditStore } from '../src';
import type { SequelizeAuditInstrumentationConfig } from '../src';

const ROUNDS = Number(process.argv[2] ?? 7);
const CALLS = Number(process.argv[3] ?? 200);
const ROWS = 50;

const instrumentation = new SequelizeAuditInstrumentation();

const CONFIGS: Array<{ name: string; config: SequelizeAuditInstrumentationConfig }> = [
  { name: 'audit on, no reads (baseline)', config: {} },
  { name: 'reads: true', config: { audit: { models: { Patient: { reads: true } } } } },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'osa-access-bench-'));
  const store = new SqlAuditStore({ url: `sqlite:${join(dir, 'audit.sqlite')}` });
  // ACCESS_BENCH_NO_PROCESSOR=1: records are built and their spans made, but nobody stores
  // them (the split between building and persisting).
  const withProcessor = process.env.ACCESS_BENCH_NO_PROCESSOR !== '1';
  const processor = withProcessor
    ? new AuditSpanProcessor({ store, spool: { directory: join(dir, 'spool') } })
    : undefined;
  const provider = new NodeTracerProvider({ spanProcessors: processor ? [processor] : [] });
  provider.register();
  instrumentation.setTracerProvider(provider);
  instrumentation.enable();
  // Required after the instrumentation, as an application does.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DataTypes, Sequelize } = require('sequelize') as typeof SequelizeModule;
  const sequelize = new Sequelize({ dialect: 'sqlite', storage: ':memory:', logging: false });
  const Patient = sequelize.define('Patient', {
    name: DataTypes.STRING,
    ward: DataTypes.STRING,
    diagnosis: DataTypes.STRING,
  });
  await sequelize.sync();
  await Patient.bulkCreate(
    Array.from({ length: ROWS }, (_, i) => ({ name: `p${i}`, ward: 'north', diagnosis: `d${i}` })),
  );
  await processor?.forceFlush();
  const find = () => Patient.findAll({ where: { ward: 'north' } });

  const callUs = new Map<string, number[]>();
  const persistedUs = new Map<string, number[]>();
  for (let round = 0; round < ROUNDS + 1; round += 1) {
    for (const { name, config } of CONFIGS) {
      instrumentation.setConfig(config);
      let callTime = 0;
      const startAll = performance.now();
      for (let i = 0; i < CALLS; i += 1) {
        const start = performance.now();
        await find();
        callTime += performance.now() - start;
      }
      await nextTurn();
      await processor?.forceFlush();
      const total = performance.now() - startAll;
      if (round === 0) continue; // warm-up
      callUs.set(name, [...(callUs.get(name) ?? []), (callTime / CALLS) * 1000]);
      persistedUs.set(name, [...(persistedUs.get(name) ?? []), (total / CALLS) * 1000]);
    }
  }
  const base = CONFIGS[0].name;
  const baseCall = median(callUs.get(base) ?? []);
  const basePersisted = median(persistedUs.get(base) ?? []);
  console.log(`findAll of ${ROWS} rows, SQLite in memory, ${ROUNDS} rounds x ${CALLS} calls`);
  console.log('| configuration | call µs (median) | ratio | call + persisted µs | ratio |');
  console.log('|---|---:|---:|---:|---:|');
  for (const { name } of CONFIGS) {
    const call = median(callUs.get(name) ?? []);
    const persisted = median(persistedUs.get(name) ?? []);
    console.log(
      `| ${name} | ${call.toFixed(0)} | ${(call / baseCall).toFixed(2)} | ${persisted.toFixed(0)} | ${(persisted / basePersisted).toFixed(2)} |`,
    );
  }
  if (withProcessor) {
    const accessRecords = await store.count({ operation: 'access' });
    console.log(`access records written: ${accessRecords} (${ROWS} per call with reads: true)`);
  }
  await processor?.shutdown();
  await store.close();
  await sequelize.close();
  rmSync(dir, { recursive: true, force: true });
}

void main();
