import assert from 'node:assert/strict';
import { DataTypes } from 'sequelize';
import type { Sequelize } from 'sequelize';
import { SequelizeStorage, Umzug } from 'umzug';
import { withAuditContext } from '../../src';
import { withTable } from '../cli/support/cli-store';
import { runCli } from '../cli/support/run-cli';
import { AuditedApp } from '../hooks/support/audited-app';
import { describeEachDialect } from '../support/dialects';
import { resetInstrumentation } from '../support/setup';

describeEachDialect(
  'otel-sequelize-audit history --schema',
  (db) => {
    const table = 'audit_schema_cli';
    let sequelize: Sequelize;
    const cli = (...args: string[]) => runCli(['--store', withTable(db.url, table), ...args]);

    before(async function () {
      this.timeout(60_000);
      sequelize = db.connect();
      // Made before any store exists: the trail only ever sees this table's rows change.
      await sequelize.query('CREATE TABLE plain_rows (id INTEGER)');
      const app = AuditedApp.sql(db, table);
      try {
        const Invoice = sequelize.define('Invoice', { total: DataTypes.INTEGER });
        await withAuditContext({ actor: { id: 'ops' } }, async () => {
          await sequelize.sync({ force: true });
          await Invoice.create({ total: 7 });
          await sequelize.query('INSERT INTO plain_rows (id) VALUES (1)');
          await new Umzug({
            migrations: [
              {
                name: '20261203-invoice-currency',
                up: ({ context }) =>
                  context.addColumn('Invoices', 'currency', { type: DataTypes.STRING(3) }),
              },
            ],
            context: sequelize.getQueryInterface(),
            storage: new SequelizeStorage({ sequelize }),
            logger: undefined,
          }).up();
        });
        await app.flush();
      } finally {
        await app.stop();
        resetInstrumentation();
      }
    });

    it('lists the schema changes of a table, oldest first, with the migration and the actor', async () => {
      const result = await cli('history', '--schema', 'Invoices');
      assert.equal(result.code, 0, result.stderr);
      const lines = result.stdout.split('\n');
      assert.equal(lines[0], 'schema of Invoices');
      const createdAt = lines.findIndex((line) => line.includes('createTable'));
      const addedAt = lines.findIndex((line) => line.includes('addColumn'));
      assert.ok(createdAt > 0 && addedAt > createdAt, result.stdout);
      assert.match(result.stdout, /20261203-invoice-currency \(up\)/);
      assert.match(result.stdout, /CREATE TABLE IF NOT EXISTS/);
      assert.match(result.stdout, /ops/);
      // Row changes of the table are not schema changes.
      assert.doesNotMatch(result.stdout, /\binsert\b/);
    });

    it('prints the records as JSON with --json', async () => {
      const result = await cli('--json', 'history', '--schema', 'Invoices');
      assert.equal(result.code, 0, result.stderr);
      const page = JSON.parse(result.stdout) as {
        table: string;
        records: Array<{ operation: string; changedFields: string[]; metadata?: object }>;
      };
      assert.equal(page.table, 'Invoices');
      assert.deepEqual(
        page.records.map((r) => r.operation),
        page.records.map(() => 'schema'),
      );
      assert.deepEqual(page.records[page.records.length - 1].changedFields, ['currency']);
      assert.deepEqual(page.records[page.records.length - 1].metadata, {
        migration: '20261203-invoice-currency',
        migration_direction: 'up',
        schema_change: 'addColumn',
      });
    });

    it('says so, and succeeds, for a table of the trail without schema changes', async () => {
      const result = await cli('history', '--schema', 'plain_rows');
      assert.equal(result.code, 0, result.stderr);
      assert.equal(
        result.stdout,
        'schema of plain_rows\nno schema changes recorded for plain_rows\n',
      );
    });

    it('exits 2 for an unknown table, a row given with --schema, or a row without its key', async () => {
      const unknown = await cli('history', '--schema', 'Invoice');
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /unknown table "Invoice".*did you mean "Invoices"\?/);
      const both = await cli('history', '--schema', 'Invoices', 'Invoices', '1');
      assert.equal(both.code, 2);
      assert.match(both.stderr, /takes no row/);
      const noKey = await cli('history', 'Invoices');
      assert.equal(noKey.code, 2);
      assert.match(noKey.stderr, /needs a table and a primary key/);
    });

    it('exits 3 when the store cannot be reached', async () => {
      const result = await runCli([
        '--store',
        'postgres://postgres@127.0.0.1:1/none',
        'history',
        '--schema',
        'Invoices',
      ]);
      assert.equal(result.code, 3, result.stderr);
    });
  },
  {
    v6Only:
      'the query-interface seam wraps getQueryInterface, which Sequelize 7 deprecates and its own sync and migrations bypass (sequelize.queryInterface); on 7 only raw DDL is recorded so far',
  },
);
