import assert from 'node:assert/strict';
import { createNamespace, destroyNamespace } from 'cls-hooked';
import type { Namespace } from 'cls-hooked';
import { Sequelize as SequelizeClass } from 'sequelize';
import type { ModelStatic, Model, Sequelize } from 'sequelize';
import { instrumentation } from '../support/setup';
import { childNames, onlySpan } from '../tracing/support/spans';
import { describeEachDialect } from '../support/dialects';

/*
 * With `Sequelize.useCLS(namespace)`, Sequelize asks the namespace for the transaction. An
 * application (or Sequelize's own suite) may spy on that namespace: the package must not add
 * lookups of its own that such a spy can count.
 */
describeEachDialect(
  'CLS transaction lookups',
  (db) => {
    const { DataTypes } = db;
    let sequelize: Sequelize;
    let Item: ModelStatic<Model>;
    let namespace: Namespace;
    let lookups: number;

    beforeEach(async () => {
      sequelize = db.connect();
      Item = sequelize.define('ClsItem', { code: DataTypes.STRING });
      await Item.sync({ force: true });
      namespace = createNamespace('otel-sequelize-audit-test');
      const get = namespace.get.bind(namespace);
      lookups = 0;
      namespace.get = (key: string) => {
        if (key === 'transaction') lookups += 1;
        return get(key);
      };
      SequelizeClass.useCLS(namespace);
    });

    afterEach(() => {
      delete (SequelizeClass as unknown as { _cls?: unknown })._cls;
      destroyNamespace('otel-sequelize-audit-test');
      if (!instrumentation.isEnabled()) instrumentation.enable();
    });

    /** How often `work` asks the namespace for the transaction, without and with the package. */
    async function lookupsWithoutAndWith(work: () => Promise<unknown>): Promise<[number, number]> {
      instrumentation.disable();
      lookups = 0;
      await namespace.runPromise(work);
      const without = lookups;
      instrumentation.enable();
      lookups = 0;
      await namespace.runPromise(work);
      return [without, lookups];
    }

    it('adds no lookup to a raw query', async () => {
      const [without, withPackage] = await lookupsWithoutAndWith(() => sequelize.query('SELECT 1'));
      assert.ok(without > 0, 'Sequelize itself asks the namespace');
      assert.equal(withPackage, without);
    });

    it('adds no lookup to model calls that write and read', async () => {
      const work = async () => {
        const item = await Item.create({ code: 'a' });
        await item.update({ code: 'b' });
        await Item.update({ code: 'c' }, { where: { id: item.get('id') as number } });
        await Item.findAll();
        await Item.findOrCreate({ where: { code: 'd' } });
        await Item.destroy({ where: { code: 'c' } });
      };
      const [without, withPackage] = await lookupsWithoutAndWith(work);
      assert.equal(withPackage, without);
    });

    it('adds no lookup inside a managed CLS transaction', async () => {
      const work = () =>
        sequelize.transaction(async () => {
          await Item.create({ code: 'e' });
          await sequelize.query('SELECT 1');
        });
      const [without, withPackage] = await lookupsWithoutAndWith(work);
      assert.equal(withPackage, without);
    });

    it('still parents the work of a managed CLS transaction under its span', async () => {
      await sequelize.transaction(async () => {
        await Item.create({ code: 'f' });
        await sequelize.query('SELECT 2 AS two');
      });
      const children = childNames(onlySpan('transaction'));
      // A single-statement create makes its INSERT span only (no ORM span that repeats it).
      assert.deepEqual(children.slice(1), ['INSERT ClsItems', 'SELECT', 'COMMIT']);
    });
  },
  {
    v6Only:
      'Sequelize.useCLS with a cls-hooked namespace is Sequelize 6 API; Sequelize 7 keeps its transaction in AsyncLocalStorage',
  },
);
