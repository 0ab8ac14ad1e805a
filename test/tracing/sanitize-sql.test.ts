import assert from 'node:assert/strict';
import { sanitizeSql } from '../../src/sequelize/sql/sanitize-sql';

const standard = { mysqlQuoting: false, maxLength: 4096 };
const mysql = { mysqlQuoting: true, maxLength: 4096 };

describe('SQL sanitizer', () => {
  it('replaces strings, numbers and booleans with ? and keeps identifiers and NULL', () => {
    assert.equal(
      sanitizeSql(
        `SELECT "id" FROM "users" AS "User" WHERE "User"."name" = 'O''Brien' AND "age" > 42 AND active = true AND x IS NULL`,
        standard,
      ),
      `SELECT "id" FROM "users" AS "User" WHERE "User"."name" = ? AND "age" > ? AND active = ? AND x IS NULL`,
    );
  });

  it('collapses an IN-list of literals to (?) but keeps a subquery', () => {
    assert.equal(sanitizeSql('WHERE id IN (1, 2, 3)', standard), 'WHERE id IN (?)');
    assert.equal(sanitizeSql("WHERE id IN ('a','b')", standard), 'WHERE id IN (?)');
    assert.equal(
      sanitizeSql('WHERE id IN (SELECT id FROM t WHERE n = 5)', standard),
      'WHERE id IN (SELECT id FROM t WHERE n = ?)',
    );
  });

  it('keeps bind and replacement placeholders as written', () => {
    assert.equal(
      sanitizeSql('UPDATE t SET a = $1, b = :name WHERE c = ? AND d = $2', standard),
      'UPDATE t SET a = $1, b = :name WHERE c = ? AND d = $2',
    );
  });

  it('replaces every value of a multi-row INSERT, dates included', () => {
    assert.equal(
      sanitizeSql(
        "INSERT INTO `users` (`id`,`name`,`createdAt`) VALUES (NULL,'a','2026-01-01 10:00:00.000 +00:00'),(NULL,'b','2026-01-01')",
        mysql,
      ),
      'INSERT INTO `users` (`id`,`name`,`createdAt`) VALUES (NULL,?,?),(NULL,?,?)',
    );
  });

  it('reads backslash escapes and double-quoted strings the MySQL way', () => {
    assert.equal(sanitizeSql(`SELECT 'it\\'s', "quoted" FROM t`, mysql), 'SELECT ?, ? FROM t');
  });

  it('replaces decimals, exponents, hex numbers and dollar-quoted strings', () => {
    assert.equal(
      sanitizeSql('SELECT 1.5, 2e-3, 0x1F, $$body$$, $fn$ x $fn$ FROM t1', standard),
      'SELECT ?, ?, ?, ?, ? FROM t1',
    );
  });

  it('keeps PostgreSQL array brackets from hiding their literals', () => {
    assert.equal(sanitizeSql("SELECT ARRAY['secret', 'other']", standard), 'SELECT ARRAY[?, ?]');
  });

  it('cuts its output at the maximum length', () => {
    const text = sanitizeSql("SELECT * FROM users WHERE name = 'long value' AND id = 1", {
      mysqlQuoting: false,
      maxLength: 20,
    });
    assert.equal(text, 'SELECT * FROM users ');
  });

  it('hides an unterminated string to the end of the text', () => {
    assert.equal(sanitizeSql("SELECT 'never closed", standard), 'SELECT ?');
  });
});
