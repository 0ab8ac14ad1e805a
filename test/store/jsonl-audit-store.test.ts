import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonlAuditStore } from '../../src/store/jsonl/jsonl-audit-store';
import { verifyChains } from '../../src/store/verify-chains';
import { makeChain } from './support/events';
import { storeContract } from './support/store-contract';

describe('JsonlAuditStore', () => {
  let directory: string;
  before(() => {
    directory = mkdtempSync(join(tmpdir(), 'osa-jsonl-'));
  });
  after(() => rmSync(directory, { recursive: true, force: true }));

  describe('store contract', () => {
    storeContract(async (name) => {
      const store = new JsonlAuditStore({ path: join(directory, `${name}.jsonl`) });
      await store.init();
      return store;
    });
  });

  it('writes one canonical JSON record per line', async () => {
    const path = join(directory, 'lines.jsonl');
    const store = new JsonlAuditStore({ path });
    const chain = makeChain('s', 3);
    await store.append(chain);
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    assert.deepEqual(
      lines.map((line) => JSON.parse(line)),
      chain,
    );
    await store.close();
  });

  it('rotates by size and still reads every record in order', async () => {
    const path = join(directory, 'rotate.jsonl');
    const store = new JsonlAuditStore({ path, maxFileBytes: 2048 });
    for (let i = 0; i < 5; i += 1) {
      const head = await store.streamHead('s');
      await store.append(
        makeChain('s', 3, { seq: head?.lastSeq ?? 0, hash: head?.lastHash ?? null }),
      );
    }
    const files = readdirSync(directory).filter((f) => f.startsWith('rotate.jsonl'));
    assert.ok(files.length >= 3, files.join(', '));
    assert.deepEqual(await verifyChains(store), { ok: true, streams: 1, records: 15 });
    await store.close();
  });

  it('skips a line torn by a crash and appends after it', async () => {
    const path = join(directory, 'torn.jsonl');
    const first = new JsonlAuditStore({ path });
    const chain = makeChain('s', 3);
    await first.append(chain.slice(0, 2));
    await first.close();
    appendFileSync(path, '{"eventId":"half-writ');
    const second = new JsonlAuditStore({ path });
    await second.append(chain.slice(2));
    assert.deepEqual(
      (await second.readStream('s', 1, 10)).map((r) => r.seq),
      [1, 2, 3],
    );
    await second.close();
  });
});
