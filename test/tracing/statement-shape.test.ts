import assert from 'node:assert/strict';
import { leadingVerb, singleTableTarget } from '../../src/sequelize/sql/statement-shape';

describe('statement shape', () => {
  it('reads the SQL verb after whitespace, comments and parentheses', () => {
    assert.equal(leadingVerb('  select 1'), 'SELECT');
    assert.equal(leadingVerb('/* note */ -- line\n UPDATE t SET a = 1'), 'UPDATE');
    assert.equal(leadingVerb('(SELECT 1) UNION (SELECT 2)'), 'SELECT');
    assert.equal(leadingVerb('START TRANSACTION;'), 'START TRANSACTION');
    assert.equal(leadingVerb('SAVEPOINT "sp-1";'), 'SAVEPOINT');
  });

  it('names the one table of INSERT, UPDATE, DELETE and TRUNCATE statements', () => {
    assert.equal(singleTableTarget('INSERT INTO `users` (a) VALUES (1)', 'INSERT'), 'users');
    assert.equal(singleTableTarget('INSERT IGNORE INTO users VALUES (1)', 'INSERT'), 'users');
    assert.equal(singleTableTarget('UPDATE "public"."users" SET a = 1', 'UPDATE'), 'public.users');
    assert.equal(singleTableTarget('DELETE FROM [orders] WHERE id = 1', 'DELETE'), 'orders');
    assert.equal(singleTableTarget('TRUNCATE TABLE orders', 'TRUNCATE'), 'orders');
  });

  it('names the table of CREATE, DROP and ALTER TABLE but not of other DDL', () => {
    assert.equal(
      singleTableTarget('CREATE TABLE IF NOT EXISTS "users" (id INT)', 'CREATE'),
      'users',
    );
    assert.equal(singleTableTarget('DROP TABLE IF EXISTS `users`;', 'DROP'), 'users');
    assert.equal(singleTableTarget('ALTER TABLE users ADD COLUMN x INT', 'ALTER'), 'users');
    assert.equal(singleTableTarget('CREATE INDEX users_name ON users (name)', 'CREATE'), undefined);
    assert.equal(singleTableTarget('SELECT * FROM users', 'SELECT'), undefined);
  });
});
