import assert from 'node:assert/strict';
import { describeEachDialect } from '../support/dialects';

describeEachDialect('test harness', (db) => {
  it('connects to a database of its own and runs a statement', async () => {
    const sequelize = db.connect();
    const [rows] = await sequelize.query('SELECT 1 AS one');
    assert.equal(Number((rows as Array<{ one: number }>)[0].one), 1);
  });
});
