import assert from 'node:assert/strict';
import { positionalParameterColumns } from '../../src/tracing/positional-parameter-columns';

describe('positional parameter columns', () => {
  it('maps the values of an INSERT to its column list', () => {
    const columns = positionalParameterColumns(
      'INSERT INTO "users" ("id","email","password") VALUES (DEFAULT,$1,$2) RETURNING "id";',
    );
    assert.deepEqual(
      [...columns],
      [
        [0, 'email'],
        [1, 'password'],
      ],
    );
  });

  it('maps SET and WHERE parameters to the column they are compared with', () => {
    const columns = positionalParameterColumns(
      'UPDATE `users` SET `password`=$1,`updatedAt`=$2 WHERE `User`.`id` = $3',
    );
    assert.deepEqual(
      [...columns],
      [
        [0, 'password'],
        [1, 'updatedAt'],
        [2, 'id'],
      ],
    );
  });

  it('counts question marks in order and ignores those inside strings', () => {
    const columns = positionalParameterColumns(
      "UPDATE users SET token = ?, note = 'why?' WHERE id = ?",
    );
    assert.deepEqual(
      [...columns],
      [
        [0, 'token'],
        [1, 'id'],
      ],
    );
  });

  it('leaves a parameter that is not compared with a column unnamed', () => {
    assert.deepEqual([...positionalParameterColumns('SELECT $1::int + 1')], []);
  });
});
