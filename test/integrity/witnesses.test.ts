import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditTrail, JsonlAuditStore } from '../../src';
import { splitNotes } from '../../src/integrity/witness/http-witness';
import { newKeys, writeTrail } from './support/trail-kit';

/** A real HTTP witness: keeps POSTed notes per stream, answers them on GET. */
function startWitnessServer(): Promise<{
  url: string;
  server: Server;
  notes: Map<string, string[]>;
}> {
  const notes = new Map<string, string[]>();
  const server = createServer((request, response) => {
    const stream = new URL(request.url ?? '/', 'http://x').searchParams.get('stream') ?? '';
    if (request.method === 'POST') {
      let body = '';
      request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        notes.set(stream, [...(notes.get(stream) ?? []), body]);
        response.writeHead(201).end();
      });
      return;
    }
    const held = notes.get(stream);
    if (!held) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'text/plain' }).end(held.join('\n'));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}/checkpoints`, server, notes });
    });
  });
}

describe('Witnesses of the signed checkpoints', () => {
  let directory = '';
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'osa-witness-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  async function truncate(path: string, keep: number): Promise<void> {
    const { writeFileSync, readFileSync } = await import('node:fs');
    const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
    writeFileSync(
      path,
      lines
        .slice(0, keep)
        .map((l) => `${l}\n`)
        .join(''),
    );
    const checkpoints = readFileSync(`${path}.checkpoints`, 'utf8').split('\n').filter(Boolean);
    const kept = checkpoints.filter((l) => (JSON.parse(l) as { seq: number }).seq <= keep);
    writeFileSync(`${path}.checkpoints`, kept.map((l) => `${l}\n`).join(''));
  }

  it('an HTTP endpoint receives every signed checkpoint and catches a deleted tail', async () => {
    const keys = newKeys(directory);
    const { url, server, notes } = await startWitnessServer();
    try {
      const path = join(directory, 'audit.jsonl');
      await writeTrail(
        new JsonlAuditStore({ path }),
        { signingKey: keys.privateKey, witness: url },
        {
          spool: join(directory, 'spool'),
        },
      );
      assert.equal(notes.get('main')?.length, 4);
      const ok = await new AuditTrail(new JsonlAuditStore({ path })).verify({
        publicKey: keys.publicKey,
        witness: url,
      });
      assert.equal(ok.ok, true, ok.firstBreak?.reason);
      assert.deepEqual(ok.witness, [{ url, checkpoints: 4 }]);
      await truncate(path, 12);
      const broken = await new AuditTrail(new JsonlAuditStore({ path })).verify({ witness: url });
      assert.match(
        broken.firstBreak?.reason ?? '',
        /^witness: the witness holds a signed checkpoint of 20 records/,
      );
    } finally {
      server.close();
    }
  });

  it('a second store keeps the checkpoints and catches a store restored from an older copy', async () => {
    const keys = newKeys(directory);
    const witness = `sqlite:${join(directory, 'witness.sqlite')}`;
    const path = join(directory, 'audit.jsonl');
    await writeTrail(
      new JsonlAuditStore({ path }),
      { signingKey: keys.privateKey, witness },
      {
        spool: join(directory, 'spool'),
      },
    );
    const ok = await new AuditTrail(new JsonlAuditStore({ path })).verify({
      publicKey: keys.publicKey,
      witness,
    });
    assert.equal(ok.ok, true, ok.firstBreak?.reason);
    await truncate(path, 10);
    const broken = await new AuditTrail(new JsonlAuditStore({ path })).verify({
      publicKey: keys.publicKey,
      witness,
    });
    assert.equal(broken.firstBreak?.seq, 11);
  });

  it('an unreachable witness never stops the trail: every record is stored and every checkpoint signed', async () => {
    const keys = newKeys(directory);
    const path = join(directory, 'audit.jsonl');
    await writeTrail(
      new JsonlAuditStore({ path }),
      { signingKey: keys.privateKey, witness: 'http://127.0.0.1:9/down' },
      {
        spool: join(directory, 'spool'),
      },
    );
    const result = await new AuditTrail(new JsonlAuditStore({ path })).verify({
      publicKey: keys.publicKey,
    });
    assert.deepEqual([result.ok, result.records, result.checkpoints?.verified], [true, 20, 4]);
  });

  it('reads notes written one after another, with or without blank lines between them', () => {
    const note = 'o\n1\nAAAA\n\n— k abc=\n';
    assert.deepEqual(splitNotes(`${note}${note}\n${note}`), [note, note, note]);
  });
});
