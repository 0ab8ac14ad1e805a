import assert from 'node:assert/strict';
import type { Model, ModelStatic, Sequelize } from 'sequelize';
import { describeEachDialect } from '../support/dialects';
import { resetInstrumentation } from '../support/setup';
import { AuditEventCollector } from './support/audit-events';

const AWKWARD_KEY = `O'Brien "the quoted" \\ back — 日本語 😀`;

describeEachDialect('audit of awkward values', (db) => {
  const { DataTypes } = db;
  let sequelize: Sequelize;
  let Document: ModelStatic<Model>;
  let Tag: ModelStatic<Model>;
  const collector = new AuditEventCollector();

  before(async () => {
    resetInstrumentation();
    collector.start();
    sequelize = db.connect();
    Document = sequelize.define(
      'Document',
      {
        meta: DataTypes.JSON,
        // LONGBLOB on MySQL/MariaDB (a BLOB holds 64 KB); PostgreSQL has one BYTEA.
        content: db.name === 'postgres' ? DataTypes.BLOB : DataTypes.BLOB('long'),
      },
      { tableName: 'documents', timestamps: false },
    );
    Tag = sequelize.define(
      'Tag',
      { name: { type: DataTypes.STRING, primaryKey: true }, color: DataTypes.STRING },
      // Sequelize 7 refuses an option its dialect does not support (charset is MySQL's);
      // Sequelize 6 ignores it elsewhere.
      db.sequelizeMajor === 7 && !['mariadb', 'mysql'].includes(db.name)
        ? { tableName: 'tags', timestamps: false }
        : { tableName: 'tags', timestamps: false, charset: 'utf8mb4' },
    );
    await sequelize.sync({ force: true });
  });
  after(() => collector.stop());
  beforeEach(() => collector.reset());

  it('records a value that holds a function and an invalid date, with markers in their place', async () => {
    const meta = { title: 'report', render: () => 'html', due: new Date('not a date') };
    const document = await Document.create({ meta });
    const [event, ...others] = collector.all();
    assert.equal(others.length, 0);
    assert.equal(event.recordId, String(document.get('id')));
    // PostgreSQL returns the row as stored (RETURNING): the JSON text Sequelize wrote. So does
    // SQLite on Sequelize 7, which inserts with RETURNING there too.
    const expected =
      db.name === 'postgres' || (db.sequelizeMajor === 7 && db.name === 'sqlite')
        ? { due: null, title: 'report' }
        : { due: '[invalid date]', render: '[function]', title: 'report' };
    assert.deepEqual(event.after?.meta, expected);
  });

  it('records a 10 MB blob as capped base64 with a truncation marker', async function () {
    this.timeout(60_000);
    const content = Buffer.alloc(10 * 1024 * 1024, 0xab);
    await Document.create({ content });
    const [event] = collector.all();
    const stored = String(event.after?.content);
    assert.ok(stored.endsWith('[truncated: 10485760 bytes]'), stored.slice(-40));
    assert.ok(Buffer.byteLength(stored) <= 8192);
    assert.ok(stored.startsWith(Buffer.alloc(6, 0xab).toString('base64')));
  });

  it('records a string primary key with quotes and unicode exactly', async () => {
    await Tag.create({ name: AWKWARD_KEY, color: 'red' });
    await Tag.update({ color: 'blue' }, { where: { name: AWKWARD_KEY } });
    await Tag.destroy({ where: { name: AWKWARD_KEY } });
    const events = collector.all();
    assert.deepEqual(
      events.map((e) => [e.operation, e.recordId]),
      [
        ['insert', AWKWARD_KEY],
        ['update', AWKWARD_KEY],
        ['delete', AWKWARD_KEY],
      ],
    );
  });
});
