import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Sequelize } from 'sequelize';
import { AuditSpanProcessor, JsonlAuditStore, SqlAuditStore } from '../../../src';
import type { AuditCheckpoint, AuditIntegrityOptions, AuditRecord, AuditStore } from '../../../src';
import { canonicalJson } from '../../../src/canonical-json';
import { generateSigningKeys } from '../../../src/integrity/signing-keys';
import { describeEachDialect } from '../../support/dialects';
import { makeEvent } from '../../store/support/events';

/** Keys of one trail: the chain key, the signing pair, a witness directory. */
export interface TrailKeys {
  chainKey: string;
  publicKey: string;
  privateKey: string;
  witness: string;
}

export function newKeys(directory: string): TrailKeys {
  const { publicKey, privateKey } = generateSigningKeys();
  return {
    chainKey: `chain-key-${Math.random().toString(36).slice(2)}-0123456789`,
    publicKey,
    privateKey,
    witness: pathToFileURL(join(directory, `witness-${Math.random().toString(36).slice(2)}`)).href,
  };
}

/**
 * One store of a suite, and an insider's full write access to it without any key: read and
 * replace every record and checkpoint of a stream, as plain SQL or file edits would.
 */
export interface TrailStore {
  url: string;
  /** A fresh store object on the same data (file stores cache what they read). */
  open(): AuditStore;
  records(stream: string): Promise<AuditRecord[]>;
  replaceRecords(stream: string, records: readonly AuditRecord[]): Promise<void>;
  checkpoints(stream: string): Promise<AuditCheckpoint[]>;
  replaceCheckpoints(stream: string, checkpoints: readonly AuditCheckpoint[]): Promise<void>;
}

/** The kit a suite gets: new stores and a temporary directory. */
export interface TrailKit {
  name: string;
  directory: string;
  newStore(): TrailStore;
}

/** Runs a suite on SQLite, PostgreSQL, MariaDB (SQL store) and a JSONL store. */
export function describeEachTrailStore(title: string, body: (kit: () => TrailKit) => void): void {
  describeEachDialect(title, (fixture) => {
    if (fixture.name === 'mysql') return;
    let kit: TrailKit | undefined;
    let sequelize: Sequelize | undefined;
    let tables = 0;
    let directory = '';
    before(() => {
      directory = mkdtempSync(join(tmpdir(), 'osa-integrity-'));
      sequelize = fixture.connect();
      kit = {
        name: fixture.name,
        directory,
        newStore: () =>
          sqlTrailStore(fixture.url, `audit_int_${(tables += 1)}`, sequelize as Sequelize),
      };
    });
    after(() => rmSync(directory, { recursive: true, force: true }));
    body(() => kit as TrailKit);
  });
  describe(`${title} [jsonl]`, () => {
    let directory = '';
    let files = 0;
    before(() => {
      directory = mkdtempSync(join(tmpdir(), 'osa-integrity-'));
    });
    after(() => rmSync(directory, { recursive: true, force: true }));
    body(() => ({
      name: 'jsonl',
      directory,
      newStore: () => jsonlTrailStore(join(directory, `audit-${(files += 1)}.jsonl`)),
    }));
  });
}

function sqlTrailStore(url: string, table: string, sequelize: Sequelize): TrailStore {
  const q = (name: string) => sequelize.getQueryInterface().quoteIdentifier(name);
  const open = () => new SqlAuditStore({ url, table });
  const withStore = async <T>(use: (store: AuditStore) => Promise<T>) => {
    const store = new SqlAuditStore({ sequelize, table });
    await store.init();
    return use(store);
  };
  return {
    url: `${url}${url.includes('?') ? '&' : '?'}table=${table}`,
    open,
    records: (stream) => withStore((store) => store.readStream(stream, 0, 1_000_000)),
    async replaceRecords(stream, records) {
      await sequelize.query(
        `DELETE FROM ${q(table)} WHERE ${q('stream')} = ${sequelize.escape(stream)}`,
      );
      await withStore((store) => store.append(records));
    },
    checkpoints: (stream) => withStore((store) => store.checkpoints(stream)),
    async replaceCheckpoints(stream, checkpoints) {
      await sequelize.query(
        `DELETE FROM ${q(`${table}_checkpoints`)} WHERE ${q('stream')} = ${sequelize.escape(stream)}`,
      );
      await withStore(async (store) => {
        for (const checkpoint of checkpoints) await store.writeCheckpoint(checkpoint);
      });
    },
  };
}

function jsonlTrailStore(path: string): TrailStore {
  const lines = (file: string) =>
    existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l))
      : [];
  const rewrite = (file: string, stream: string, kept: unknown[]) => {
    const others = lines(file).filter((item: { stream: string }) => item.stream !== stream);
    writeFileSync(file, [...others, ...kept].map((item) => `${canonicalJson(item)}\n`).join(''));
  };
  return {
    url: `jsonl:${path}`,
    open: () => new JsonlAuditStore({ path }),
    records: async (stream) =>
      (lines(path) as AuditRecord[])
        .filter((r) => r.stream === stream)
        .sort((a, b) => a.seq - b.seq),
    replaceRecords: async (stream, records) => rewrite(path, stream, [...records]),
    checkpoints: async (stream) =>
      (lines(`${path}.checkpoints`) as AuditCheckpoint[]).filter((c) => c.stream === stream),
    replaceCheckpoints: async (stream, checkpoints) =>
      rewrite(`${path}.checkpoints`, stream, [...checkpoints]),
  };
}

/**
 * Writes `batches` × `perBatch` records into `stream` through a processor with `integrity`,
 * flushing after each batch (one signed checkpoint per batch), and returns the event ids.
 */
export async function writeTrail(
  store: AuditStore,
  integrity: AuditIntegrityOptions,
  {
    stream = 'main',
    batches = 4,
    perBatch = 5,
    spool,
  }: { stream?: string; batches?: number; perBatch?: number; spool: string },
): Promise<string[]> {
  const processor = new AuditSpanProcessor({
    store,
    streamId: stream,
    spool: { directory: spool },
    integrity: { checkpointEvery: perBatch, ...integrity },
  });
  const ids: string[] = [];
  for (let batch = 0; batch < batches; batch += 1) {
    for (let i = 0; i < perBatch; i += 1) {
      const event = makeEvent();
      ids.push(event.eventId);
      processor.receiveAuditEvent(event);
    }
    await processor.forceFlush();
  }
  await processor.shutdown();
  return ids;
}
