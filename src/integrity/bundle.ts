import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalJson } from '../canonical-json';
import type { AuditRecord } from '../types';
import type {
  AuditCheckpoint,
  AuditFindOptions,
  AuditRecordFilter,
  AuditStore,
  StreamHead,
} from '../store/audit-store';
import { matchesFilter } from '../store/record-match';

/*
 * A verifiable bundle to hand an auditor: every record of every stream (canonical JSON, one
 * per line, by stream and seq), every checkpoint with its signed note, and a manifest with the
 * SHA-256 of each file. `verify --bundle DIR --public-key FILE` checks it without the store.
 */

export const BUNDLE_FILES = {
  records: 'records.jsonl',
  checkpoints: 'checkpoints.jsonl',
  manifest: 'manifest.json',
} as const;

/** What `manifest.json` holds. */
export interface BundleManifest {
  format: 'otel-sequelize-audit/bundle';
  version: 1;
  createdAt: string;
  files: Record<string, { sha256: string; bytes: number }>;
  streams: Array<{ stream: string; records: number; lastSeq: number; signedSize: number }>;
}

/** Writes the bundle of `store` into `directory`; returns its manifest. */
export async function writeBundle(
  store: AuditStore,
  directory: string,
  onRecords?: (count: number) => void,
): Promise<BundleManifest> {
  await mkdir(directory, { recursive: true });
  const records: string[] = [];
  const checkpoints: string[] = [];
  const manifest: BundleManifest = {
    format: 'otel-sequelize-audit/bundle',
    version: 1,
    createdAt: new Date().toISOString(),
    files: {},
    streams: [],
  };
  const names = new Set((await store.streams()).map((head) => head.stream));
  for (const stream of (await store.checkpointStreams?.()) ?? []) names.add(stream);
  for (const stream of [...names].sort()) {
    const kept = await store.checkpoints(stream);
    const start = kept.find((c) => c.kind === 'prune');
    let count = 0;
    let lastSeq = start?.seq ?? 0;
    let next = lastSeq + 1;
    for (;;) {
      const page = await store.readStream(stream, next, 2000);
      for (const record of page) records.push(`${canonicalJson(record)}\n`);
      lastSeq = page[page.length - 1]?.seq ?? lastSeq;
      count += page.length;
      onRecords?.(records.length);
      if (page.length < 2000) break;
      next = page[page.length - 1].seq + 1;
    }
    for (const checkpoint of [...kept].reverse())
      checkpoints.push(`${canonicalJson(checkpoint)}\n`);
    manifest.streams.push({
      stream,
      records: count,
      lastSeq,
      signedSize: kept.find((c) => c.note)?.seq ?? 0,
    });
  }
  for (const [name, lines] of [
    [BUNDLE_FILES.records, records],
    [BUNDLE_FILES.checkpoints, checkpoints],
  ] as const) {
    const text = lines.join('');
    await writeFile(join(directory, name), text);
    manifest.files[name] = { sha256: sha256(text), bytes: Buffer.byteLength(text) };
  }
  await writeFile(join(directory, BUNDLE_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** Why the bundle's files do not match its manifest, if they do not. */
export async function manifestFailure(directory: string): Promise<string | undefined> {
  const manifest = JSON.parse(
    await readFile(join(directory, BUNDLE_FILES.manifest), 'utf8'),
  ) as BundleManifest;
  if (manifest.format !== 'otel-sequelize-audit/bundle') {
    return `${BUNDLE_FILES.manifest} is not the manifest of an otel-sequelize-audit bundle`;
  }
  for (const [name, expected] of Object.entries(manifest.files ?? {})) {
    const text = await readFile(join(directory, name));
    if (sha256(text) !== expected.sha256) {
      return `${name} differs from the manifest (SHA-256 ${sha256(text).slice(0, 16)}…, manifest says ${String(expected.sha256).slice(0, 16)}…)`;
    }
  }
  return undefined;
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A bundle's records and checkpoints as a read-only store, for `verifyChains`. */
export class BundleStore implements AuditStore {
  readonly name: string;
  private records: AuditRecord[] = [];
  private checkpointList: AuditCheckpoint[] = [];

  private constructor(directory: string) {
    this.name = `bundle:${directory}`;
  }

  /** Reads a bundle; throws with the file and line of what does not parse. */
  static async open(directory: string): Promise<BundleStore> {
    const store = new BundleStore(directory);
    store.records = await readLines<AuditRecord>(join(directory, BUNDLE_FILES.records));
    store.checkpointList = await readLines<AuditCheckpoint>(
      join(directory, BUNDLE_FILES.checkpoints),
    );
    return store;
  }

  async init(): Promise<void> {}

  async append(): Promise<void> {
    throw new Error('a bundle is read-only');
  }

  async streamHead(stream: string): Promise<StreamHead | null> {
    return (await this.streams()).find((head) => head.stream === stream) ?? null;
  }

  async streams(): Promise<StreamHead[]> {
    const heads = new Map<string, StreamHead>();
    for (const record of this.records) {
      const head = heads.get(record.stream);
      if (!head) {
        heads.set(record.stream, {
          stream: record.stream,
          lastSeq: record.seq,
          lastHash: record.hash,
          records: 1,
        });
        continue;
      }
      head.records += 1;
      if (record.seq > head.lastSeq)
        Object.assign(head, { lastSeq: record.seq, lastHash: record.hash });
    }
    return [...heads.values()].sort((a, b) => (a.stream < b.stream ? -1 : 1));
  }

  async readStream(stream: string, fromSeq: number, limit: number): Promise<AuditRecord[]> {
    return this.records
      .filter((r) => r.stream === stream && r.seq >= fromSeq)
      .sort((a, b) => a.seq - b.seq)
      .slice(0, limit);
  }

  async find(filter: AuditRecordFilter, options: AuditFindOptions = {}): Promise<AuditRecord[]> {
    return this.records.filter((r) => matchesFilter(r, filter)).slice(0, options.limit ?? 100);
  }

  async count(filter: AuditRecordFilter = {}): Promise<number> {
    return this.records.filter((r) => matchesFilter(r, filter)).length;
  }

  async writeCheckpoint(): Promise<void> {
    throw new Error('a bundle is read-only');
  }

  async checkpoints(stream: string): Promise<AuditCheckpoint[]> {
    return this.checkpointList
      .filter((c) => c.stream === stream)
      .sort((a, b) => b.seq - a.seq || (b.createdAt < a.createdAt ? -1 : 1));
  }

  async checkpointStreams(): Promise<string[]> {
    return [...new Set(this.checkpointList.map((c) => c.stream))].sort();
  }

  async prune(): Promise<{ removed: number }> {
    throw new Error('a bundle is read-only');
  }

  async close(): Promise<void> {}
}

async function readLines<T>(path: string): Promise<T[]> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line, index) => {
      try {
        return JSON.parse(line) as T;
      } catch {
        throw new Error(`${path} line ${index + 1} is not JSON (the bundle was changed)`);
      }
    });
}
