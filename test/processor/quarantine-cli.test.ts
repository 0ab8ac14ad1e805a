import assert from 'node:assert/strict';
import { join } from 'node:path';
import { AuditSpanProcessor, SqlAuditStore, verifyChains } from '../../src';
import type { QuarantineEntry } from '../../src/processor/quarantine-journal';
import { runCli } from '../cli/support/run-cli';
import { makeEvent } from '../store/support/events';
import { FaultyStore } from './support/faulty-store';
import { tempDirectory } from './support/harness';

describe('otel-sequelize-audit quarantine', function () {
  this.timeout(120_000);
  const directory = tempDirectory('osa-quarantine-cli-');
  let spool: string;
  let storeUrl: string;
  let poison: string[];
  after(() => directory.remove());

  before(async () => {
    spool = join(directory.path, 'spool');
    const file = join(directory.path, 'audit.sqlite');
    storeUrl = `sqlite:${file}?table=audit_q`;
    const inner = new SqlAuditStore({ url: `sqlite:${file}`, table: 'audit_q' });
    const store = new FaultyStore(inner);
    store.rejects = (record) => record.reason === 'too long';
    const processor = new AuditSpanProcessor({ store, spool: { directory: spool } });
    const events = Array.from({ length: 6 }, (_, i) =>
      makeEvent({ reason: i === 1 || i === 4 ? 'too long' : 'fine' }),
    );
    poison = events.filter((e) => e.reason === 'too long').map((e) => e.eventId);
    for (const event of events) processor.receiveAuditEvent(event);
    await processor.shutdown();
  });

  it('lists the quarantined records with the error the store gave', async () => {
    const { code, stdout } = await runCli(['quarantine', 'list', '--spool', spool]);
    assert.equal(code, 0);
    for (const id of poison) assert.ok(stdout.includes(id), stdout);
    assert.match(stdout, /22001/);
    assert.match(stdout, /2 quarantined records/);
  });

  it('lists them as JSON with --json, and exports them as JSON Lines', async () => {
    const listed = await runCli(['--json', 'quarantine', 'list', '--spool', spool]);
    assert.equal(listed.code, 0, listed.stderr);
    const entries = JSON.parse(listed.stdout) as QuarantineEntry[];
    assert.deepEqual(entries.map((e) => e.event.eventId).sort(), [...poison].sort());
    const exported = await runCli(['quarantine', 'export', '--spool', spool]);
    assert.equal(exported.code, 0, exported.stderr);
    const lines = exported.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as QuarantineEntry);
    assert.deepEqual(lines.map((e) => e.event.eventId).sort(), [...poison].sort());
  });

  it('exits 2 naming the directory when the spool directory does not exist', async () => {
    const missing = join(directory.path, 'no-such-spool');
    const { code, stderr } = await runCli(['quarantine', 'list', '--spool', missing]);
    assert.equal(code, 2);
    assert.ok(stderr.includes(missing), stderr);
  });

  it('retries them into a chain of their own once the store takes them, and empties the quarantine', async () => {
    const retried = await runCli(['quarantine', 'retry', '--spool', spool, '--store', storeUrl]);
    assert.equal(retried.code, 0, retried.stderr);
    assert.match(retried.stdout, /2 records written to stream quarantine-retry-/);
    const listed = await runCli(['quarantine', 'list', '--spool', spool]);
    assert.match(listed.stdout, /no quarantined records/);
    const reader = new SqlAuditStore({
      url: storeUrl.replace('?table=audit_q', ''),
      table: 'audit_q',
    });
    const ids = (await reader.find({}, { limit: 100 })).map((r) => r.eventId);
    for (const id of poison) assert.ok(ids.includes(id), id);
    assert.deepEqual(await verifyChains(reader), { ok: true, streams: 2, records: 6 });
    await reader.close();
  });
});
