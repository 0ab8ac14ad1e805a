import assert from 'node:assert/strict';
import { join } from 'node:path';
import { JsonlAuditStore, SqlAuditStore, createAuditStore, openAuditStore } from '../../src';
import { tempDirectory } from '../processor/support/harness';
import { makeChain } from './support/events';

describe('openAuditStore', () => {
  const directory = tempDirectory('osa-open-');
  after(() => directory.remove());

  it('opens a SQLite store from sqlite:FILE with a table parameter, ready to use', async () => {
    const store = await openAuditStore(`sqlite:${join(directory.path, 'a.sqlite')}?table=trail`);
    assert.ok(store instanceof SqlAuditStore);
    assert.equal(store.name, 'sql:trail');
    await store.append(makeChain('s', 2));
    assert.equal(await store.count(), 2);
    await store.close();
  });

  it('opens a JSONL store from jsonl:FILE', async () => {
    const store = await openAuditStore(`jsonl:${join(directory.path, 'trail.jsonl')}`);
    assert.ok(store instanceof JsonlAuditStore);
    await store.close();
  });

  it('names a server store by its URL and table without connecting', () => {
    const store = createAuditStore('postgresql://audit@db.internal:5432/app?table=audit_trail');
    assert.equal(store.name, 'sql:audit_trail');
    assert.equal(createAuditStore('mariadb://root@127.0.0.1:3306/app').name, 'sql:audit_log');
  });

  it('refuses an unknown scheme with the accepted forms', () => {
    assert.throws(
      () => createAuditStore('mongodb://x/y'),
      /sqlite:FILE, postgres:\/\/\.\.\., mariadb/,
    );
  });
});
