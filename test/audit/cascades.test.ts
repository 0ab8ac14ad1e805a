import assert from 'node:assert/strict';
import type { Model, ModelStatic, Sequelize } from 'sequelize';
import { describeEachDialect } from '../support/dialects';
import { configureInstrumentation, resetInstrumentation } from '../support/setup';
import { AuditEventCollector } from './support/audit-events';

/*
 * Rows the database changes by itself because of a delete: the ON DELETE CASCADE and SET NULL
 * rules Sequelize created from the associations (`onDelete`), two levels deep.
 */
describeEachDialect('audit of rows changed by ON DELETE rules', (db) => {
  const { DataTypes } = db;
  let sequelize: Sequelize;
  let Author: ModelStatic<Model>;
  let Book: ModelStatic<Model>;
  let Chapter: ModelStatic<Model>;
  let Review: ModelStatic<Model>;
  const collector = new AuditEventCollector();

  before(async () => {
    collector.start();
    sequelize = db.connect();
    Author = sequelize.define(
      'Author',
      { name: DataTypes.STRING },
      { tableName: 'authors', timestamps: false },
    );
    Book = sequelize.define(
      'Book',
      { title: DataTypes.STRING },
      { tableName: 'books', timestamps: false },
    );
    Chapter = sequelize.define(
      'Chapter',
      { heading: DataTypes.STRING },
      { tableName: 'chapters', timestamps: false },
    );
    Review = sequelize.define(
      'Review',
      { stars: DataTypes.INTEGER },
      { tableName: 'reviews', timestamps: false },
    );
    // Sequelize 7 takes the rule inside the foreign key's options (its own API change).
    const rule = (name: string, onDelete: string) =>
      db.sequelizeMajor === 7 ? { foreignKey: { name, onDelete } } : { foreignKey: name, onDelete };
    Author.hasMany(Book, rule('authorId', 'CASCADE'));
    Book.hasMany(Chapter, rule('bookId', 'CASCADE'));
    Author.hasMany(Review, rule('authorId', 'SET NULL'));
    await sequelize.sync({ force: true });
  });
  after(() => collector.stop());
  beforeEach(async () => {
    resetInstrumentation();
    await Review.destroy({ where: {} });
    await Chapter.destroy({ where: {} });
    await Book.destroy({ where: {} });
    await Author.destroy({ where: {} });
    const ann = await Author.create({ name: 'ann' });
    const bob = await Author.create({ name: 'bob' });
    for (const author of [ann, bob]) {
      const book = await Book.create({
        title: `${author.get('name')}-1`,
        authorId: author.get('id'),
      });
      await Chapter.create({ heading: 'one', bookId: book.get('id') });
      await Chapter.create({ heading: 'two', bookId: book.get('id') });
      await Review.create({ stars: 5, authorId: author.get('id') });
    }
    collector.reset();
  });

  const summary = () =>
    collector
      .all()
      .map((e) => `${e.operation} ${e.table} ${e.granularity}`)
      .sort();

  it('records the rows a bulk destroy deletes and nulls through the rules, row by row', async () => {
    assert.equal(await Author.destroy({ where: { name: 'ann' } }), 1);
    assert.equal(await Chapter.count(), 2, 'the database cascaded');
    assert.deepEqual(summary(), [
      'delete authors row',
      'delete books row',
      'delete chapters row',
      'delete chapters row',
      'update reviews row',
    ]);
    const nulled = collector.all().find((e) => e.table === 'reviews');
    assert.deepEqual(nulled?.changedFields, ['authorId']);
    assert.equal(nulled?.after?.authorId, null);
  });

  it('records the rows an instance destroy cascades to, inside a transaction too', async () => {
    const bob = await Author.findOne({ where: { name: 'bob' } });
    await sequelize.transaction((transaction) => bob!.destroy({ transaction }));
    assert.deepEqual(summary(), [
      'delete authors row',
      'delete books row',
      'delete chapters row',
      'delete chapters row',
      'update reviews row',
    ]);
  });

  it('records the rows an ON UPDATE CASCADE rule moves to a changed key', async () => {
    const [updated] = await Author.update({ id: 100 }, { where: { name: 'ann' } });
    assert.equal(updated, 1);
    assert.equal(await Book.count({ where: { authorId: 100 } }), 1, 'the database cascaded');
    const moved = collector.all().filter((e) => e.table === 'books');
    assert.deepEqual(
      moved.map((e) => [e.operation, e.granularity, e.changedFields, e.after?.authorId]),
      [['update', 'row', ['authorId'], 100]],
    );
  });

  it('covers cascaded rows above maxRowsPerStatement with a statement-level record and its count', async () => {
    configureInstrumentation({ audit: { maxRowsPerStatement: 1 } });
    await Book.destroy({ where: { title: 'ann-1' } });
    const chapters = collector.all().filter((e) => e.table === 'chapters');
    assert.deepEqual(
      chapters.map((e) => [e.granularity, e.affectedRows, e.captureFallback]),
      [['statement', 2, 'cascade']],
    );
  });
});
