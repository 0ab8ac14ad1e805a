const { Sequelize, DataTypes, Model, Transaction } = require('@sequelize/core');
const { SqliteDialect } = require('@sequelize/sqlite3');
process.on('warning', w => console.log('WARNING', w.code, w.message.slice(0,80), w.stack.split('\n').slice(1,5).join('|')));
(async () => {
const s = new Sequelize({ dialect: SqliteDialect, storage: ':memory:', logging: false, pool: { idle: Infinity, maxUses: Infinity, max: 1 } });
const U = s.define('User', { name: DataTypes.STRING }, { paranoid: true });
const orig = Sequelize.prototype.queryRaw; const origQ = Sequelize.prototype.query;
Sequelize.prototype.query = function (sql, o) { console.log('  query', String(sql).slice(0,60)); return origQ.call(this, sql, o); };
Sequelize.prototype.queryRaw = function (sql, o) { console.log('  queryRaw', sql.slice(0,70), 'type', o?.type, 'tx', !!o?.transaction, 'model', o?.model?.name, 'inst', !!o?.instance, 'cls', !!this.getCurrentClsTransaction()); return orig.call(this, sql, o); };
await U.sync();
console.log('-- create'); const u = await U.create({ name: 'a' });
console.log('-- update'); await U.update({ name: 'b' }, { where: { id: u.id } });
console.log('-- tx');
await s.transaction(async (t) => { await U.findAll(); await u.update({ name: 'c' }); await u.destroy(); });
console.log('-- destroy bulk'); await U.destroy({ where: {} , force: true});
try { await s.query('SELECT * FROM nope'); } catch (e) { console.log('err', e.constructor.name, Object.keys(e), 'cause', e.cause?.code, e.cause?.errno); }
console.log('tx proto', Object.getOwnPropertyNames(Transaction.prototype).join(','));
const t = new Transaction(s, {}); console.log('tx fields', Object.keys(t), t.options);
console.log('Model statics', Object.getOwnPropertyNames(Model).join(','));
console.log('Model proto', Object.getOwnPropertyNames(Model.prototype).join(','));
console.log('hooks', typeof U.hooks.addListener, typeof U.addHook);
})().catch(e => console.error('ERR', e));
